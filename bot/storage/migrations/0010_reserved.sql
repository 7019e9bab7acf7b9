-- Reserved: 0010 is 0010_language.sql on the i18n branch. Delete this file when that branch is merged
-- (two 0010 files make discover_migrations refuse to start, so the merge cannot miss it).
SELECT 1;
