// The composer is shared with the web app and the editor's chat panel; it lives in chat/.
export { ChatComposer } from '../chat/chat-composer.tsx';
