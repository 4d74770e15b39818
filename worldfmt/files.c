/* files.c — the one guarded way to read a file that a world names.
 *
 * A world is untrusted input: a stranger's push can hold symbolic links,
 * paths with "..", devices and fifos. Every module that reads a world's
 * file (the world file, scripts, modules, the events file) comes through
 * here, so that the rules below hold in one place:
 *
 *   - the path is relative, made of names separated by single '/', none of
 *     them "", "." or "..", with no control bytes and at most
 *     WF_MAX_STRING bytes (wf_path_check);
 *   - it is opened relative to the world directory one component at a time
 *     with O_NOFOLLOW, so no symbolic link is ever followed, wherever it
 *     points (git stores links; a world's files must be real files);
 *   - the last component must be a regular file (not a fifo, device or
 *     directory), opened O_NONBLOCK so that opening never waits;
 *   - its size is compared with the caller's cap before a byte is read,
 *     and reading stops at the cap even if the file grows meanwhile.
 *
 * Nothing here quotes a file's content in an error: a refused path is
 * described by its status alone. The world directory itself is the
 * caller's (a command-line argument), and is opened as given. */
#include "worldfmt/worldfmt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

wf_read_status wf_path_check(const char *rel)
{
	if (!rel || !*rel)
		return WF_READ_BADPATH;
	size_t n = strlen(rel);
	if (n > WF_MAX_STRING || rel[0] == '/')
		return WF_READ_BADPATH;
	const char *c = rel;
	while (*c) {
		const char *e = strchr(c, '/');
		size_t len = e ? (size_t)(e - c) : strlen(c);
		if (len == 0 || (len == 1 && c[0] == '.') ||
		    (len == 2 && c[0] == '.' && c[1] == '.'))
			return WF_READ_BADPATH;
		for (size_t i = 0; i < len; i++) {
			unsigned char b = (unsigned char)c[i];
			if (b < 0x20 || b == 0x7f || b == '\\')
				return WF_READ_BADPATH;
		}
		if (!e)
			break;
		c = e + 1;
		if (!*c) /* a trailing '/' */
			return WF_READ_BADPATH;
	}
	return WF_READ_OK;
}

static wf_read_status status_of_errno(int e)
{
	switch (e) {
	case ELOOP: /* O_NOFOLLOW on a link */
	case EMLINK:
		return WF_READ_SYMLINK;
	case ENOENT:
		return WF_READ_MISSING;
	case ENOTDIR:
		return WF_READ_NOTFILE;
	case ENOMEM:
		return WF_READ_NOMEM;
	case EACCES:
	case EPERM:
		return WF_READ_DENIED;
	default:
		return WF_READ_IO;
	}
}

wf_read_status wf_world_open(const char *dir, const char *rel, int *fdp, uint64_t *size)
{
	wf_read_status st = wf_path_check(rel);
	if (st != WF_READ_OK)
		return st;
	int at = open(dir && *dir ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (at < 0)
		return status_of_errno(errno);
	char comp[WF_MAX_STRING + 1];
	const char *c = rel;
	for (;;) {
		const char *e = strchr(c, '/');
		size_t len = e ? (size_t)(e - c) : strlen(c);
		memcpy(comp, c, len);
		comp[len] = '\0';
		int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
		            (e ? O_DIRECTORY : O_NONBLOCK | O_NOCTTY);
		int fd = openat(at, comp, flags);
		int err = errno;
		struct stat sb;
		/* O_NOFOLLOW reports a link as ELOOP; a link to a directory
		 * opened with O_DIRECTORY may say ENOTDIR instead, so ask. */
		if (fd < 0 && err != ENOENT &&
		    fstatat(at, comp, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(sb.st_mode))
			err = ELOOP;
		close(at);
		if (fd < 0)
			return status_of_errno(err);
		if (e) {
			at = fd;
			c = e + 1;
			continue;
		}
		if (fstat(fd, &sb) != 0) {
			err = errno;
			close(fd);
			return status_of_errno(err);
		}
		if (!S_ISREG(sb.st_mode)) {
			close(fd);
			return WF_READ_NOTFILE;
		}
		*fdp = fd;
		*size = (uint64_t)sb.st_size;
		return WF_READ_OK;
	}
}

wf_read_status wf_world_probe(const char *dir, const char *rel, size_t cap)
{
	int fd;
	uint64_t size;
	wf_read_status st = wf_world_open(dir, rel, &fd, &size);
	if (st != WF_READ_OK)
		return st;
	close(fd);
	return size > cap ? WF_READ_TOOBIG : WF_READ_OK;
}

wf_read_status wf_world_read(const char *dir, const char *rel, size_t cap, char **data,
                             size_t *len)
{
	int fd;
	uint64_t size;
	wf_read_status st = wf_world_open(dir, rel, &fd, &size);
	if (st != WF_READ_OK)
		return st;
	if (size > cap) {
		close(fd);
		return WF_READ_TOOBIG;
	}
	/* One byte more than the file said, to notice growth past the cap,
	 * and one for the terminating NUL. */
	size_t want = (size_t)size + 1;
	char *buf = malloc(want + 1);
	if (!buf) {
		close(fd);
		return WF_READ_NOMEM;
	}
	size_t n = 0;
	st = WF_READ_OK;
	for (;;) {
		if (n == want) {
			if (want > cap) {
				st = WF_READ_TOOBIG;
				break;
			}
			size_t nw = want > cap - want ? cap + 1 : want * 2;
			char *nb = realloc(buf, nw + 1);
			if (!nb) {
				st = WF_READ_NOMEM;
				break;
			}
			buf = nb;
			want = nw;
		}
		ssize_t r = read(fd, buf + n, want - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			st = status_of_errno(errno);
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (st == WF_READ_OK && n > cap)
		st = WF_READ_TOOBIG;
	if (st != WF_READ_OK) {
		free(buf);
		return st;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return WF_READ_OK;
}

const char *wf_read_strerror(wf_read_status st)
{
	switch (st) {
	case WF_READ_OK:
		return "ok";
	case WF_READ_BADPATH:
		return "the path must be relative to the world and stay inside it "
		       "(no '..', no absolute path, no empty or control characters)";
	case WF_READ_MISSING:
		return "no such file";
	case WF_READ_SYMLINK:
		return "a symbolic link; a world's files must be regular files inside it";
	case WF_READ_NOTFILE:
		return "not a regular file";
	case WF_READ_TOOBIG:
		return "larger than the size limit";
	case WF_READ_DENIED:
		return "permission denied";
	case WF_READ_NOMEM:
		return "out of memory";
	case WF_READ_IO:
		break;
	}
	return "cannot be read";
}

/* Split a path the user named into its directory (malloc'd in *dir, NULL
 * when there is none: the current one) and its last component. The
 * directory part came from the user (a command-line argument) and is
 * trusted; the file itself is opened like a world's file. */
static wf_read_status split_named(const char *path, char **dir, const char **base)
{
	const char *slash = strrchr(path, '/');
	*dir = NULL;
	*base = slash ? slash + 1 : path;
	if (!slash)
		return WF_READ_OK;
	size_t n = (size_t)(slash - path);
	char *d = malloc(n + 2);
	if (!d)
		return WF_READ_NOMEM;
	if (n == 0)
		d[n++] = '/';
	else
		memcpy(d, path, n);
	d[n] = '\0';
	*dir = d;
	return WF_READ_OK;
}

wf_read_status wf_open_named(const char *path, int *fd, uint64_t *size)
{
	char *dir;
	const char *base;
	wf_read_status st = split_named(path, &dir, &base);
	if (st == WF_READ_OK)
		st = wf_world_open(dir, base, fd, size);
	free(dir);
	return st;
}

wf_read_status wf_read_named(const char *path, size_t cap, char **data, size_t *len)
{
	char *dir;
	const char *base;
	wf_read_status st = split_named(path, &dir, &base);
	if (st == WF_READ_OK)
		st = wf_world_read(dir, base, cap, data, len);
	free(dir);
	return st;
}

/* The world file itself, read as every file of a world is. */
wf_world *wf_load(const char *dir, wf_diags *d)
{
	return wf_load_status(dir, d, NULL);
}

wf_world *wf_load_status(const char *dir, wf_diags *d, wf_read_status *status)
{
	static const char fname[] = "world.acre";
	char *path = NULL;
	if (!dir || !*dir || strcmp(dir, ".") == 0)
		path = strdup(fname);
	else if (asprintf(&path, "%s/%s", dir, fname) < 0)
		path = NULL;
	if (status)
		*status = WF_READ_NOMEM;
	if (!path)
		return NULL;
	char *buf;
	size_t len;
	wf_world *w = NULL;
	wf_read_status st = wf_world_read(dir, fname, WF_MAX_WORLD_BYTES, &buf, &len);
	if (status)
		*status = st;
	if (st != WF_READ_OK) {
		wf_diag_add(d, WF_ERROR, path, 0, 0, NULL, "cannot read: %s",
		            wf_read_strerror(st));
	} else {
		w = wf_parse(buf, len, path, d);
		free(buf);
	}
	free(path);
	return w;
}
