/* workshop.c — scripts inside the editor: open a parcel's or an entity's
 * script in $VISUAL/$EDITOR (curses suspended meanwhile), create one from a
 * template and attach it, and watch the world's files so that problems and
 * play follow changes made outside the editor without a key.
 *
 * Paths come from the world and are checked by worldfmt's one rule
 * (wf_path_check, wf_world_probe): no absolute path, no '..', no symbolic
 * link is followed, so a world cannot make the editor open a file outside
 * its directory.
 */
#include "editor/ui.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* What a new script holds: every handler a parcel may define, empty, with
 * a line saying when it runs (acre-lua(7) has the rest). */
static const char template_lua[] =
    "-- %s — the script of parcel %s.\n"
    "-- Handlers run in the sandbox; acre-lua(7) lists the API.\n"
    "\n"
    "function on_load()\n"
    "  -- once, when the world starts\n"
    "  log.info(\"%s opens\")\n"
    "end\n"
    "\n"
    "function on_tick(t)\n"
    "  -- every tick\n"
    "end\n"
    "\n"
    "function on_enter(avatar)\n"
    "  -- an avatar walked in\n"
    "end\n"
    "\n"
    "function on_leave(avatar)\n"
    "  -- an avatar walked out\n"
    "end\n"
    "\n"
    "function on_interact(avatar, entity)\n"
    "  -- an avatar used one of this parcel's entities\n"
    "end\n"
    "\n"
    "function on_message(from, msg)\n"
    "  -- another parcel sent a message\n"
    "end\n";

/* Run the user's editor on `path` with the screen handed over to it. */
static int run_editor(ed_ui *u, const char *path)
{
	const char *ed = getenv("VISUAL");
	if (!ed || !*ed)
		ed = getenv("EDITOR");
	if (!ed || !*ed)
		ed = "vi";
	def_prog_mode();
	endwin();
	if (u->tty)
		fflush(u->tty);
	pid_t pid = fork();
	if (pid == 0) {
		/* The editor may be a command with arguments ("code -w"): the
		 * shell splits it, and the path goes in as "$1", never parsed. */
		execl("/bin/sh", "sh", "-c", "exec $0 \"$1\"", ed, path, (char *)NULL);
		_exit(127);
	}
	int status = 0;
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	if (pid < 0)
		return ed_set_msg(u, true, "cannot start %s: %s", ed, strerror(errno)),
		       -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		ed_set_msg(
		    u, true, "%s on %s did not finish cleanly (status %d)", ed, path,
		    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		return -1;
	}
	return 0;
}

/* Open `rel` (a script path of the world) in the user's editor. */
static void edit_script(ed_ui *u, const char *rel)
{
	wf_read_status st = wf_world_probe(u->dir, rel, WF_MAX_SCRIPT_BYTES);
	if (st != WF_READ_OK) {
		ed_set_msg(u, true, "%s: %s", rel, wf_read_strerror(st));
		return;
	}
	char *path = NULL;
	if (asprintf(&path, "%s/%s", u->dir, rel) < 0) {
		ed_set_msg(u, true, "out of memory");
		return;
	}
	if (run_editor(u, path) == 0)
		ed_set_msg(u, false, "edited %s", rel);
	free(path);
	ed_watch(u, true); /* show what the edit did at once */
}

/* Create DIR/REL from the template, refusing to replace anything and to
 * pass through a symbolic link (each directory on the way is checked). */
static int create_script(ed_ui *u, const char *rel, const char *parcel)
{
	if (wf_path_check(rel) != WF_READ_OK)
		return ed_set_msg(u, true, "%s: %s", rel,
		                  wf_read_strerror(WF_READ_BADPATH)),
		       -1;
	char *path = NULL;
	size_t nd = strlen(u->dir);
	if (asprintf(&path, "%s/%s", u->dir, rel) < 0)
		return ed_set_msg(u, true, "out of memory"), -1;
	/* Make the directories on the way, none of them a link. */
	for (char *s = path + nd + 1; (s = strchr(s, '/')); s++) {
		*s = 0;
		struct stat st;
		if (lstat(path, &st) != 0 && mkdir(path, 0777) != 0 && errno != EEXIST) {
			ed_set_msg(u, true, "cannot make %s: %s", path, strerror(errno));
			free(path);
			return -1;
		}
		if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
			ed_set_msg(u, true,
			           "%s is not a directory (links are not followed)",
			           path);
			free(path);
			return -1;
		}
		*s = '/';
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	free(path);
	if (fd < 0)
		return ed_set_msg(u, true, "cannot create %s: %s", rel, strerror(errno)),
		       -1;
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return ed_set_msg(u, true, "cannot create %s: %s", rel, strerror(errno)),
		       -1;
	}
	fprintf(f, template_lua, rel, parcel, parcel);
	if (fclose(f) != 0)
		return ed_set_msg(u, true, "cannot write %s: %s", rel, strerror(errno)),
		       -1;
	return 0;
}

static void create_answer(ed_ui *u, const char *text)
{
	int pi = ed_parcel_here(&u->m);
	if (pi < 0 || !*text) {
		ed_set_msg(u, false, "no script created");
		return;
	}
	/* The rules of the file first (a zone that forbids scripts, a bad
	 * path): nothing is created for a script the parcel cannot have. */
	if (ed_set_script(&u->m, pi, text)) {
		ed_set_msg(u, true, "%s", u->m.err);
		return;
	}
	if (wf_world_probe(u->dir, text, WF_MAX_SCRIPT_BYTES) == WF_READ_MISSING &&
	    create_script(u, text, u->m.w->parcels[pi].name) != 0) {
		ed_undo(&u->m); /* keep the world as it was: no dangling script */
		return;
	}
	edit_script(u, text);
}

/* O: the script of the entity under the cursor, else of the parcel; a
 * parcel without one is offered a new one from the template. */
void ed_open_script(ed_ui *u)
{
	int epi, ei = ed_entity_at(&u->m, u->m.cx, u->m.cy, &epi);
	if (ei >= 0 && u->m.w->parcels[epi].entities[ei].script) {
		edit_script(u, u->m.w->parcels[epi].entities[ei].script);
		return;
	}
	int pi = ed_parcel_here(&u->m);
	if (pi < 0) {
		ed_set_msg(u, true, "no parcel under the cursor");
		return;
	}
	const wf_parcel *p = &u->m.w->parcels[pi];
	if (p->script) {
		edit_script(u, p->script);
		return;
	}
	if (u->m.mode == ED_PLAY) {
		ed_set_msg(u, true, "parcel %s has no script (P leaves play to add one)",
		           p->name);
		return;
	}
	char def[300];
	snprintf(def, sizeof def, "scripts/%.200s.lua", p->name);
	ed_prompt(u, "new script from the template (Enter creates, Esc cancels): ", def,
	          create_answer);
}

/* ---- Watching the world's files ------------------------------------------ */

/* A fingerprint of every file the world names (world.acre, each distinct
 * script, the events file): their sizes and change times folded together.
 * Missing files count too, so creating one changes it. */
static uint64_t fold(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h;
}

static uint64_t stat_sig(ed_ui *u, uint64_t h, const char *rel)
{
	char path[4096];
	struct stat st;
	snprintf(path, sizeof path, "%s/%s", u->dir, rel);
	if (lstat(path, &st) != 0)
		return fold(h, 1);
	h = fold(h, (uint64_t)st.st_size);
	h = fold(h, (uint64_t)st.st_mtim.tv_sec);
	return fold(h, (uint64_t)st.st_mtim.tv_nsec);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Time spent collecting per call of ed_watch, looked at every
 * COLLECT_STEP parcels: a fixed 32,768 parcels took 10 to 30 ms on a busy
 * machine, a key's wait. */
#define COLLECT_MS   4.0
#define COLLECT_STEP 1024

static double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static uint32_t str_hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Add path s to the set being collected; false when out of memory. */
static bool coll_put(ed_ui *u, const char *s)
{
	if (!s)
		return true;
	if (!u->coll || (u->coll_n + 1) * 2 > u->coll_mask + 1) {
		uint32_t size = u->coll ? 2 * (u->coll_mask + 1) : 64;
		const char **v = calloc(size, sizeof *v);
		if (!v)
			return false;
		for (uint32_t k = 0; u->coll && k <= u->coll_mask; k++)
			if (u->coll[k]) {
				uint32_t h = str_hash(u->coll[k]) & (size - 1);
				while (v[h])
					h = (h + 1) & (size - 1);
				v[h] = u->coll[k];
			}
		free(u->coll);
		u->coll = v;
		u->coll_mask = size - 1;
	}
	uint32_t h = str_hash(s) & u->coll_mask;
	for (; u->coll[h]; h = (h + 1) & u->coll_mask)
		if (u->coll[h] == s || strcmp(u->coll[h], s) == 0)
			return true;
	u->coll[h] = s;
	u->coll_n++;
	return true;
}

static void coll_free(ed_ui *u)
{
	free(u->coll);
	u->coll = NULL;
	u->coll_mask = u->coll_n = 0;
	u->collecting = false;
}

/* The distinct script paths of the world (parcels', entities' and palette
 * entries'), sorted, collected COLLECT_MS of parcels a call (an edit of
 * the world's shape meanwhile starts again): true when u->coll holds
 * them all, as a list of u->coll_n. Scripts are shared by many parcels on
 * a big world, so the set stays small. */
static bool collect_scripts(ed_ui *u)
{
	const wf_world *w = u->m.w;
	bool ok = true;
	if (!u->collecting || u->coll_gen != u->m.shape_gen) {
		coll_free(u);
		u->collecting = true;
		u->coll_gen = u->m.shape_gen;
		u->coll_next = 0;
		for (int i = 0; i < w->npalette; i++)
			ok = ok && coll_put(u, w->palette[i].script);
	}
	double t0 = mono_ms();
	int i = u->coll_next;
	while (ok && i < w->nparcels) {
		int end = w->nparcels - i > COLLECT_STEP ? i + COLLECT_STEP : w->nparcels;
		for (; ok && i < end; i++) {
			ok = coll_put(u, w->parcels[i].script);
			for (int e = 0; ok && e < w->parcels[i].nentities; e++)
				ok = coll_put(u, w->parcels[i].entities[e].script);
		}
		if (mono_ms() - t0 >= COLLECT_MS)
			break;
	}
	u->coll_next = i;
	if (ok && i < w->nparcels)
		return false;
	/* Out of memory: the list so far (this look misses the others). */
	uint32_t d = 0;
	for (uint32_t k = 0; u->coll && k <= u->coll_mask; k++)
		if (u->coll[k])
			u->coll[d++] = u->coll[k];
	qsort(u->coll, d, sizeof *u->coll, cmp_str);
	u->coll_n = d;
	return true;
}

static uint64_t watch_sig(ed_ui *u)
{
	uint64_t h = stat_sig(u, 0, "world.acre");
	for (int i = 0; i < u->nwatch; i++)
		h = stat_sig(u, h, u->watch[i]);
	if (u->m.w->events)
		h = stat_sig(u, h, u->m.w->events);
	return h;
}

bool ed_watch_busy(const ed_ui *u)
{
	return u->watch_gen != u->m.shape_gen;
}

void ed_watch_reset(ed_ui *u)
{
	/* The paths point into the world that is going. */
	free(u->watch);
	u->watch = NULL;
	u->nwatch = 0;
	coll_free(u);
	u->watch_known = false;
	u->watch_gen = UINT64_MAX;
}

/* Look at the files (at most every WATCH_MS, or now with `force`); when
 * watch_gen is not the model's shape_gen (UINT64_MAX for a new model)
 * the world's script paths are collected again first; when
 * any changed, the problems are found again and a running play is
 * replayed with the new scripts to the tick it had reached. */
void ed_watch(ed_ui *u, bool force)
{
	/* Painting tiles names no script: a big world is walked again only
	 * after an edit of its parcels, entities or palette. */
	if (ed_watch_busy(u) && collect_scripts(u)) {
		/* The world names other scripts now. Whether the files of the
		 * old list changed meanwhile is still news; a script newly
		 * named is not (the edit that named it is validated anyway). */
		bool same = u->watch_known && watch_sig(u) == u->watch_sig;
		free(u->watch);
		u->watch = u->coll;
		u->nwatch = (int)u->coll_n;
		u->coll = NULL;
		coll_free(u);
		u->watch_gen = u->coll_gen;
		if (same)
			u->watch_sig = watch_sig(u);
	}
	uint64_t h = watch_sig(u);
	if (!u->watch_known) {
		u->watch_known = true;
		u->watch_sig = h;
		return;
	}
	if (h == u->watch_sig && !force)
		return;
	bool changed = h != u->watch_sig;
	u->watch_sig = h;
	if (!changed)
		return;
	u->diags_gen = UINT64_MAX; /* find the problems again */
	if (u->play)
		ed_play_reload(u);
	else if (!u->msg[0])
		ed_set_msg(u, false, "the world's files changed: problems refreshed");
}
