/*
 * cli: the newszone command. One file per subcommand; each parses its own flags, calls the
 * layers below, prints progress on a terminal and one clear line per problem on stderr.
 */
#ifndef NZ_CLI_H
#define NZ_CLI_H

#include <stdio.h>

#include "app/app.h"
#include "core/core.h"
#include "ingest/ingest.h"
#include "store/store.h"

typedef struct cli_env {
	const char *db;   /* --db (a path or URI, as cli_db_uri makes it), NEWSZONE_DB, or
			     "newszone.db" */
	const char *prog; /* "newszone" */

	const char *db_read; /* --db-read or NEWSZONE_DB_READ: a replica for `serve`; NULL */
} cli_env;

typedef struct cli_command {
	const char *name;
	int (*run)(const cli_env *env, int argc, char **argv); /* argv[0] is the command name */
	const char *summary;
	const char *usage; /* the --help text after the "usage:" line */
} cli_command;

/* True when arg is -h or --help. */
bool cli_is_help(const char *arg);
/* Prints "newszone COMMAND: message" on stderr; returns the exit status 2 (usage) or 1. */
/* demo_photos.c: the demo's photographs (demo/photos/photos.txt in files). load reads the
 * index (on failure where names its line); prepare is the import's prepare hook (ctx: the
 * loaded index) that gives an article its photos as it is imported; done says how many articles
 * got photos and fails naming the line of a use whose article never came; free is NULL-safe. */
typedef struct cli_demo_photos cli_demo_photos;
nz_rc cli_demo_photos_load(const nz_file_entry *files, cli_demo_photos **out, char *where,
			   size_t where_len, nz_err *err);
nz_rc cli_demo_photos_prepare(void *ctx, nz_store *store, nz_arena *arena, nz_article *a,
			      nz_err *err);
nz_rc cli_demo_photos_done(const cli_demo_photos *d, size_t *added, char *where, size_t where_len,
			   nz_err *err);
void cli_demo_photos_free(cli_demo_photos *d);
int cli_fail(const cli_env *env, const char *cmd, int status, const char *fmt, ...) NZ_PRINTF(4, 5);
/* Makes a fault (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) print the faulting thread's stack
 * on stderr before the default action (cli/crash.c). Call once, first thing in main. */
void cli_crash_report_install(void);
/* Prints a command's usage on out. */
void cli_usage(const cli_env *env, const cli_command *c, FILE *out);
/* What --db, NEWSZONE_DB or migrate's --to name, for nz_store_open: "sqlite:PATH" gives PATH;
 * a path and a postgres:// or postgresql:// URI are given as they are. Borrows arg. */
const char *cli_db_uri(const char *arg);
/* Opens the store at env->db (creating it when create), with a message on failure. */
nz_store *cli_open_store(const cli_env *env, const char *cmd, bool create);
/* The same with nz_store_open's flags (NZ_STORE_BULK: a pass over much of the file). */
nz_store *cli_open_store_flags(const cli_env *env, const char *cmd, unsigned flags);

/* Draws "\rwhat [#####.....] done/totalunit" on stderr (a terminal's progress bar). */
void cli_bar(const char *what, size_t done, size_t total, const char *unit);
/* Brings the stored related-article lists up to date (store.h, nz_store_related_build): the
 * pending ones, or all with all, with a bar on stderr when it is a terminal ("related
 * articles [#####.....] 1200/3000") and, with say, one line on stdout when any list was
 * written. */
nz_rc cli_related_pass(const cli_env *env, nz_store *store, bool all, bool say, nz_err *err);

/* One import run: its options, how it reports, and its counts. */
typedef struct cli_import_run {
	const nz_import_opts *opts;
	bool quiet;    /* no line per imported or unchanged file on stdout */
	bool progress; /* a progress line is showing on stderr: messages start on a new line */
	size_t imported, unchanged, refused;
	/* nz_app_import's prepare hook for every file (may be NULL) */
	nz_rc (*prepare)(void *ctx, nz_store *s, nz_arena *arena, nz_article *a, nz_err *err);
	void *prepare_ctx;
} cli_import_run;

/* Imports one file's bytes (name is for messages and is stored with the original), or the file
 * at path, through app/. Prints a line for refusals on stderr; counts in run. Returns NZ_OK
 * unless the database failed. */
nz_rc cli_import_bytes(nz_store *store, cli_import_run *run, const char *name, const void *bytes,
		       size_t len);
nz_rc cli_import_file(nz_store *store, cli_import_run *run, const char *path);
/* import --from wordpress EXPORT.xml [...] (import_wordpress.c): argv[0] is "import". */
int cli_import_wordpress(const cli_env *env, int argc, char **argv);

extern const cli_command cli_init_cmd, cli_serve_cmd, cli_import_cmd, cli_demo_cmd;
extern const cli_command cli_webhook_cmd;                 /* webhook add|list|remove|deliveries */
extern const cli_command cli_export_cmd;                  /* export --format ninjs DIR */
extern const cli_command cli_user_cmd, cli_token_cmd;     /* accounts, API tokens */
extern const cli_command cli_reindex_cmd;                 /* rebuild the search index */
extern const cli_command cli_related_cmd;                 /* the stored related lists */
extern const cli_command cli_build_cmd;                   /* build --out DIR (the static export) */
extern const cli_command cli_backup_cmd, cli_restore_cmd; /* a whole database to/from a file */
extern const cli_command cli_migrate_cmd;                 /* a whole database to another */
extern const cli_command cli_wire_cmd;                    /* wire add|list|remove|poll */
extern const cli_command cli_settings_cmd;                /* settings list|get|set */

/* backup, restore, migrate (transfer_report.c): a progress line on a terminal (what names the
 * command), cleared by cli_transfer_done; the tables' rows and checksums on out. */
void cli_transfer_init(nz_app_transfer *t, const char *what);
void cli_transfer_done(const nz_app_transfer *t);
void cli_transfer_print(const nz_app_transfer *t, FILE *out);

#endif
