-- Full-text search over chunks (BM25), kept in step with data_chunks by triggers. External content:
-- the text is stored once, in data_chunks. Porter stemming so "rivers" finds "river".
CREATE VIRTUAL TABLE `data_chunks_fts` USING fts5(`text`, `title`, content='data_chunks', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `data_chunks_ai` AFTER INSERT ON `data_chunks` BEGIN
  INSERT INTO `data_chunks_fts`(rowid, `text`, `title`) VALUES (new.`id`, new.`text`, new.`title`);
END;
--> statement-breakpoint
CREATE TRIGGER `data_chunks_ad` AFTER DELETE ON `data_chunks` BEGIN
  INSERT INTO `data_chunks_fts`(`data_chunks_fts`, rowid, `text`, `title`) VALUES ('delete', old.`id`, old.`text`, old.`title`);
END;
--> statement-breakpoint
CREATE TRIGGER `data_chunks_au` AFTER UPDATE ON `data_chunks` BEGIN
  INSERT INTO `data_chunks_fts`(`data_chunks_fts`, rowid, `text`, `title`) VALUES ('delete', old.`id`, old.`text`, old.`title`);
  INSERT INTO `data_chunks_fts`(rowid, `text`, `title`) VALUES (new.`id`, new.`text`, new.`title`);
END;
