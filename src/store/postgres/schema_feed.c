/*
 * schema_feed.c: the PostgreSQL schema's change feed and webhook outbox (part of migration 1):
 * PL/pgSQL triggers that do what SQLite's migrations 4 and 5 do, row for row.
 *
 * The change feed: in the transaction of every write that can change a public page, the cache
 * keys that write affects go into `changes`, exactly the Surrogate-Key names the handlers emit
 * ("article-<id>", "section-<id>", "tag-<id>", "author-<id>", "front", "corrections"), plus
 * "settings" and "site" (both mean everything). An article counts as soon as it is, or was,
 * published or retracted. The outbox: an audit row of an article event enqueues one delivery
 * per subscribed active webhook, and one for the purge hook when a purge URL is set, with the
 * payload SQLite's json_object() writes, byte for byte.
 *
 * Rules: a migration, once released, never changes. Row-trigger WHEN clauses cannot hold
 * subqueries in PostgreSQL, so the conditions SQLite puts there that read other tables are
 * tested in the function bodies. nz_changes_add takes the change-feed advisory lock before its
 * first row, so rows commit in seq order (postgres_int.h's NZ__PG_LOCK_CHANGES; the store takes
 * it at the start of every write transaction too, so writers never wait on it in a cycle).
 * "Now" is the statement's start in unix seconds, as SQLite's strftime('%s', 'now').
 */
#include "store/postgres/postgres_int.h"

#define VISIBLE "('published', 'retracted')"
_Static_assert(NZ__PG_LOCK_CLASS == 20058 && NZ__PG_LOCK_CHANGES == 2,
	       "nz_changes_add names the change-feed lock by its numbers");

/* Helpers: the time, adding keys, an article's own keys, the keys of its section and its
 * translation group (for a row as it was or is), and the keys of the visible articles linked
 * to a media, tag or author. */
const char nz__pg_1_feed_helpers[] =
    "CREATE FUNCTION nz_now() RETURNS bigint LANGUAGE sql AS"
    " $$ SELECT floor(extract(epoch FROM statement_timestamp()))::bigint $$;"
    "INSERT INTO change_state(id, clock) VALUES (1, nz_now());"

    "CREATE FUNCTION nz_changes_add(keys text[]) RETURNS void LANGUAGE plpgsql AS $$"
    " BEGIN"
    "  PERFORM pg_advisory_xact_lock(20058, 2);"
    "  INSERT INTO changes(key, at)"
    "   SELECT DISTINCT k, nz_now() FROM unnest(keys) AS k WHERE k IS NOT NULL;"
    " END $$;"

    "CREATE FUNCTION nz_article_keys(x bigint) RETURNS SETOF text LANGUAGE sql AS $$"
    " SELECT 'article-' || x UNION SELECT 'front'"
    " UNION SELECT 'tag-' || tag_id FROM article_tags WHERE article_id = x"
    " UNION SELECT 'author-' || author_id FROM article_authors WHERE article_id = x"
    " UNION SELECT 'corrections' WHERE EXISTS (SELECT 1 FROM corrections WHERE article_id = x)"
    " $$;"

    "CREATE FUNCTION nz_article_row_keys(r articles) RETURNS SETOF text LANGUAGE sql AS $$"
    " SELECT 'section-' || r.section_id WHERE r.section_id IS NOT NULL"
    " UNION SELECT 'article-' || id FROM articles"
    "  WHERE translation_group = r.translation_group AND id <> r.id"
    " UNION SELECT 'article-' || id FROM articles WHERE translation_group = r.id AND id <> r.id"
    " UNION SELECT 'article-' || r.translation_group"
    "  WHERE r.translation_group IS NOT NULL AND r.translation_group <> r.id"
    " $$;"

    /* via: 'media' (article_media), 'tag' (article_tags) or 'author' (article_authors). */
    "CREATE FUNCTION nz_linked_article_keys(via text, x bigint) RETURNS SETOF text"
    " LANGUAGE sql AS $$"
    " SELECT 'article-' || l.article_id FROM article_media l JOIN articles a"
    "  ON a.id = l.article_id WHERE via = 'media' AND l.media_id = x"
    "  AND a.status IN ('published', 'retracted')"
    " UNION SELECT 'article-' || l.article_id FROM article_tags l JOIN articles a"
    "  ON a.id = l.article_id WHERE via = 'tag' AND l.tag_id = x"
    "  AND a.status IN ('published', 'retracted')"
    " UNION SELECT 'article-' || l.article_id FROM article_authors l JOIN articles a"
    "  ON a.id = l.article_id WHERE via = 'author' AND l.author_id = x"
    "  AND a.status IN ('published', 'retracted')"
    " $$;";

/* Articles, and the rows that hang off one (fired only while the article is visible). */
const char nz__pg_1_feed_articles[] =
    "CREATE FUNCTION nz_articles_changes() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN"
    "  IF TG_OP = 'INSERT' THEN"
    "   PERFORM nz_changes_add(ARRAY(SELECT nz_article_keys(NEW.id))"
    "    || ARRAY(SELECT nz_article_row_keys(NEW)));"
    "   RETURN NULL;"
    "  ELSIF TG_OP = 'UPDATE' THEN"
    "   PERFORM nz_changes_add(ARRAY(SELECT nz_article_keys(NEW.id))"
    "    || ARRAY(SELECT nz_article_row_keys(OLD)) || ARRAY(SELECT nz_article_row_keys(NEW)));"
    "   RETURN NULL;"
    "  END IF;"
    "  PERFORM nz_changes_add(ARRAY(SELECT nz_article_keys(OLD.id))"
    "   || ARRAY(SELECT nz_article_row_keys(OLD)));"
    "  RETURN OLD;"
    " END $$;"
    "CREATE TRIGGER articles_changes_insert AFTER INSERT ON articles FOR EACH ROW"
    " WHEN (NEW.status IN " VISIBLE ") EXECUTE FUNCTION nz_articles_changes();"
    "CREATE TRIGGER articles_changes_update AFTER UPDATE ON articles FOR EACH ROW"
    " WHEN (OLD.status IN " VISIBLE " OR NEW.status IN " VISIBLE ")"
    " EXECUTE FUNCTION nz_articles_changes();"
    /* BEFORE: its tags and authors are still there to be named. */
    "CREATE TRIGGER articles_changes_delete BEFORE DELETE ON articles FOR EACH ROW"
    " WHEN (OLD.status IN " VISIBLE ") EXECUTE FUNCTION nz_articles_changes();"

    /* TG_ARGV[0]: the other key a row names: 'tag', 'author', 'corrections' or 'none'.
     * An update also names the row's old article (except a correction's) and old tag or
     * author, as SQLite's triggers do. */
    "CREATE FUNCTION nz_child_changes() RETURNS trigger LANGUAGE plpgsql AS $$"
    " DECLARE"
    "  kind text := TG_ARGV[0];"
    "  cur jsonb;"
    "  was jsonb;"
    "  keys text[];"
    " BEGIN"
    "  IF TG_OP = 'DELETE' THEN cur := to_jsonb(OLD); ELSE cur := to_jsonb(NEW); END IF;"
    "  IF NOT EXISTS (SELECT 1 FROM articles WHERE id = (cur->>'article_id')::bigint"
    "   AND status IN " VISIBLE ") THEN"
    "   RETURN NULL;"
    "  END IF;"
    "  keys := ARRAY['article-' || (cur->>'article_id')];"
    "  IF kind = 'corrections' THEN"
    "   keys := keys || 'corrections'::text;"
    "  ELSIF kind <> 'none' THEN"
    "   keys := keys || (kind || '-' || (cur->>(kind || '_id')));"
    "  END IF;"
    "  IF TG_OP = 'UPDATE' AND kind <> 'corrections' THEN"
    "   was := to_jsonb(OLD);"
    "   keys := keys || ('article-' || (was->>'article_id'));"
    "   IF kind <> 'none' THEN keys := keys || (kind || '-' || (was->>(kind || '_id'))); END IF;"
    "  END IF;"
    "  PERFORM nz_changes_add(keys);"
    "  RETURN NULL;"
    " END $$;"
    "CREATE TRIGGER article_tags_changes AFTER INSERT OR UPDATE OR DELETE ON article_tags"
    " FOR EACH ROW EXECUTE FUNCTION nz_child_changes('tag');"
    "CREATE TRIGGER article_authors_changes AFTER INSERT OR UPDATE OR DELETE ON article_authors"
    " FOR EACH ROW EXECUTE FUNCTION nz_child_changes('author');"
    "CREATE TRIGGER article_media_changes AFTER INSERT OR UPDATE OR DELETE ON article_media"
    " FOR EACH ROW EXECUTE FUNCTION nz_child_changes('none');"
    "CREATE TRIGGER corrections_changes AFTER INSERT OR UPDATE OR DELETE ON corrections"
    " FOR EACH ROW EXECUTE FUNCTION nz_child_changes('corrections');"
    "CREATE TRIGGER import_notes_changes AFTER INSERT OR DELETE ON import_notes"
    " FOR EACH ROW EXECUTE FUNCTION nz_child_changes('none');";

/* What every page shows: sections (navigation), settings (site name, language, base URL...);
 * and what pages name: a photo's caption, credit and alt text, a tag's or an author's name.
 * Only real changes count (the catalog's ensure() upserts touch rows without changing them). */
const char nz__pg_1_feed_catalog[] =
    "CREATE FUNCTION nz_catalog_changes() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN"
    "  IF TG_TABLE_NAME = 'settings' THEN"
    "   PERFORM nz_changes_add(ARRAY['settings']);"
    "  ELSIF TG_TABLE_NAME = 'sections' AND TG_OP = 'INSERT' THEN"
    "   PERFORM nz_changes_add(ARRAY['site']);"
    "  ELSIF TG_TABLE_NAME = 'sections' AND TG_OP = 'UPDATE' THEN"
    "   PERFORM nz_changes_add(ARRAY['site', 'section-' || NEW.id]);"
    "  ELSIF TG_TABLE_NAME = 'sections' THEN"
    "   PERFORM nz_changes_add(ARRAY['site', 'section-' || OLD.id]);"
    "  ELSIF TG_TABLE_NAME = 'media' THEN"
    "   PERFORM nz_changes_add(ARRAY(SELECT nz_linked_article_keys('media', NEW.id)));"
    "  ELSIF TG_OP = 'UPDATE' THEN" /* tags, authors */
    "   PERFORM nz_changes_add(ARRAY[TG_ARGV[0] || '-' || NEW.id]"
    "    || ARRAY(SELECT nz_linked_article_keys(TG_ARGV[0], NEW.id)));"
    "  ELSE"
    "   PERFORM nz_changes_add(ARRAY[TG_ARGV[0] || '-' || OLD.id]);"
    "  END IF;"
    "  RETURN NULL;"
    " END $$;"
    "CREATE TRIGGER media_changes_update AFTER UPDATE ON media FOR EACH ROW"
    " EXECUTE FUNCTION nz_catalog_changes();"
    "CREATE TRIGGER sections_changes_insert AFTER INSERT ON sections FOR EACH ROW"
    " EXECUTE FUNCTION nz_catalog_changes();"
    "CREATE TRIGGER sections_changes_update AFTER UPDATE ON sections FOR EACH ROW"
    " WHEN (OLD.slug IS DISTINCT FROM NEW.slug OR OLD.name IS DISTINCT FROM NEW.name"
    "  OR OLD.position IS DISTINCT FROM NEW.position) EXECUTE FUNCTION nz_catalog_changes();"
    "CREATE TRIGGER sections_changes_delete AFTER DELETE ON sections FOR EACH ROW"
    " EXECUTE FUNCTION nz_catalog_changes();"
    "CREATE TRIGGER tags_changes_update AFTER UPDATE ON tags FOR EACH ROW"
    " WHEN (OLD.slug IS DISTINCT FROM NEW.slug OR OLD.name IS DISTINCT FROM NEW.name)"
    " EXECUTE FUNCTION nz_catalog_changes('tag');"
    "CREATE TRIGGER tags_changes_delete AFTER DELETE ON tags FOR EACH ROW"
    " EXECUTE FUNCTION nz_catalog_changes('tag');"
    "CREATE TRIGGER authors_changes_update AFTER UPDATE ON authors FOR EACH ROW"
    " WHEN (OLD.slug IS DISTINCT FROM NEW.slug"
    "  OR OLD.display_name IS DISTINCT FROM NEW.display_name"
    "  OR OLD.family_name IS DISTINCT FROM NEW.family_name"
    "  OR OLD.given_name IS DISTINCT FROM NEW.given_name"
    "  OR OLD.name_order IS DISTINCT FROM NEW.name_order"
    "  OR OLD.email IS DISTINCT FROM NEW.email OR OLD.bio IS DISTINCT FROM NEW.bio)"
    " EXECUTE FUNCTION nz_catalog_changes('author');"
    "CREATE TRIGGER authors_changes_delete AFTER DELETE ON authors FOR EACH ROW"
    " EXECUTE FUNCTION nz_catalog_changes('author');"
    "CREATE TRIGGER settings_changes_insert AFTER INSERT ON settings FOR EACH ROW"
    " EXECUTE FUNCTION nz_catalog_changes();"
    "CREATE TRIGGER settings_changes_update AFTER UPDATE ON settings FOR EACH ROW"
    " WHEN (OLD.value IS DISTINCT FROM NEW.value OR OLD.key IS DISTINCT FROM NEW.key)"
    " EXECUTE FUNCTION nz_catalog_changes();"
    "CREATE TRIGGER settings_changes_delete AFTER DELETE ON settings FOR EACH ROW"
    " EXECUTE FUNCTION nz_catalog_changes();";

/* The outbox. Deliveries are enqueued in webhook id order; the purge hook's keys are those of
 * the article as the change left it (tags and authors by id), plus "corrections" for a
 * correction and "front", joined as json_object() would: no spaces. */
const char nz__pg_1_outbox[] =
    "CREATE FUNCTION nz_webhooks_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN"
    "  INSERT INTO webhook_deliveries(webhook_id, event, article_id, audit_id, revision,"
    "   next_attempt_ms, created_at)"
    "  SELECT w.id, NEW.action, NEW.article_id, NEW.id,"
    "   (SELECT revision FROM articles WHERE id = NEW.article_id), NEW.at * 1000, NEW.at"
    "  FROM webhooks w WHERE w.active = 1"
    "   AND strpos(',' || w.events || ',', ',' || NEW.action || ',') > 0"
    "  ORDER BY w.id;"
    "  RETURN NULL;"
    " END $$;"
    "CREATE TRIGGER webhooks_enqueue AFTER INSERT ON audit_log FOR EACH ROW"
    " WHEN (NEW.article_id IS NOT NULL AND NEW.action IN"
    " ('article.published', 'article.updated', 'article.corrected', 'article.retracted'))"
    " EXECUTE FUNCTION nz_webhooks_enqueue();"

    "CREATE FUNCTION nz_purge_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN"
    "  IF NOT EXISTS (SELECT 1 FROM settings WHERE key = 'purge_url' AND value <> '') THEN"
    "   RETURN NULL;"
    "  END IF;"
    "  INSERT INTO webhook_deliveries(webhook_id, event, article_id, audit_id, revision,"
    "   payload, next_attempt_ms, created_at)"
    "  SELECT NULL, NEW.action, NEW.article_id, NEW.id,"
    "   (SELECT revision FROM articles WHERE id = NEW.article_id),"
    "   '{\"event\":' || to_json(NEW.action)::text || ',\"article_id\":' || NEW.article_id"
    "    || ',\"keys\":[' || (SELECT string_agg(to_json(k)::text, ',' ORDER BY o, n) FROM ("
    "     SELECT 1 AS o, 0::bigint AS n, 'article-' || NEW.article_id AS k"
    "     UNION ALL SELECT 2, 0, 'section-' || section_id FROM articles"
    "      WHERE id = NEW.article_id AND section_id IS NOT NULL"
    "     UNION ALL SELECT 3, tag_id, 'tag-' || tag_id FROM article_tags"
    "      WHERE article_id = NEW.article_id"
    "     UNION ALL SELECT 4, author_id, 'author-' || author_id FROM article_authors"
    "      WHERE article_id = NEW.article_id"
    "     UNION ALL SELECT 5, 0, 'corrections' WHERE NEW.action = 'article.corrected'"
    "     UNION ALL SELECT 6, 0, 'front') AS keys) || ']}',"
    "   NEW.at * 1000, NEW.at;"
    "  RETURN NULL;"
    " END $$;"
    "CREATE TRIGGER purge_enqueue AFTER INSERT ON audit_log FOR EACH ROW"
    " WHEN (NEW.article_id IS NOT NULL AND NEW.action IN"
    " ('article.published', 'article.updated', 'article.corrected', 'article.retracted',"
    "  'article.restored', 'article.embargoed'))"
    " EXECUTE FUNCTION nz_purge_enqueue();";

/* Migration 13: a batch import writes its articles' change-feed keys once, at its end
 * (articles_history.c, nz__pg_import_batch). While the transaction's own setting nz.batch is
 * 'on', the row triggers of a new article and of the rows that hang off one (tags, authors,
 * media, import notes) do not fire; nothing else sets it, so every other write is as before. */
/* clang-format off */
#define NOT_BATCH "current_setting('nz.batch', true) IS DISTINCT FROM 'on'"
#define CHILD_TRIGGER(name, table, kind)                                                           \
	"DROP TRIGGER " name " ON " table ";"                                                      \
	"CREATE TRIGGER " name " AFTER INSERT OR UPDATE OR DELETE ON " table " FOR EACH ROW"       \
	" WHEN (" NOT_BATCH ") EXECUTE FUNCTION nz_child_changes('" kind "');"
const char nz__pg_13_batch_feed[] =
    "DROP TRIGGER articles_changes_insert ON articles;"
    "CREATE TRIGGER articles_changes_insert AFTER INSERT ON articles FOR EACH ROW"
    " WHEN (NEW.status IN " VISIBLE " AND " NOT_BATCH ") EXECUTE FUNCTION nz_articles_changes();"
    CHILD_TRIGGER("article_tags_changes", "article_tags", "tag")
    CHILD_TRIGGER("article_authors_changes", "article_authors", "author")
    CHILD_TRIGGER("article_media_changes", "article_media", "none")
    "DROP TRIGGER import_notes_changes ON import_notes;"
    "CREATE TRIGGER import_notes_changes AFTER INSERT OR DELETE ON import_notes FOR EACH ROW"
    " WHEN (" NOT_BATCH ") EXECUTE FUNCTION nz_child_changes('none');";
#undef CHILD_TRIGGER
#undef NOT_BATCH
/* clang-format on */
