// The editor asks the server's own rule (a pure module) whether the open flow is a chat, so the
// Chat button and the web app settings never disagree about which flows are chats.
export { chatShape, type ChatShape, type ChatShapeResult } from '../../../engine/flow/chat-shape.ts';
