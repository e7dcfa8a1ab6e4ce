CREATE TABLE `web_app_conversations` (
	`id` text PRIMARY KEY NOT NULL,
	`deployment` text NOT NULL,
	`visitor` text NOT NULL,
	`title` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `web_app_conversations_visitor` ON `web_app_conversations` (`deployment`,`visitor`,`updated_at`);--> statement-breakpoint
CREATE TABLE `web_app_feedback` (
	`message_id` text PRIMARY KEY NOT NULL,
	`conversation_id` text NOT NULL,
	`deployment` text NOT NULL,
	`visitor` text NOT NULL,
	`rating` text NOT NULL,
	`comment` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `web_app_feedback_deployment` ON `web_app_feedback` (`deployment`,`created_at`);--> statement-breakpoint
CREATE INDEX `web_app_feedback_conversation` ON `web_app_feedback` (`conversation_id`);--> statement-breakpoint
CREATE TABLE `web_app_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`conversation_id` text NOT NULL,
	`seq` integer NOT NULL,
	`role` text NOT NULL,
	`content` text NOT NULL,
	`citations` text,
	`error` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `web_app_messages_conversation` ON `web_app_messages` (`conversation_id`,`seq`);