-- PostgreSQL copy of ../0010_language.sql.
-- /config language (issue 14): the language of the server's public replies and posts. NULL: none chosen,
-- so Discord's locale for the server applies. A code from bot/domain/i18n.py ("pt_BR"); not checked
-- against a list here, so shipping a language needs no migration (an unknown code reads as NULL).

ALTER TABLE guild_settings ADD COLUMN language TEXT NULL CHECK (language IS NULL OR length(language) <= 16);
