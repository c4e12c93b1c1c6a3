/* SPDX-License-Identifier: MIT */
/*
 * port_user.c - the userspace implementation of fs_port.h (libc and pthreads).
 *
 * Object caches are simple slabs: objects are carved from 256 KiB chunks and recycled
 * through a free list, so a million connections cost a million objects and no per-object
 * malloc header.  Chunks are released only when the cache is destroyed, as with a kernel
 * cache that is never shrunk.
 */
#include <pthread.h>
#include <sys/mman.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs_port.h"

/*
 * Slabs and big tables are backed by 2 MiB-aligned memory with transparent huge pages:
 * the core looks up millions of entries at random, and with 4 KiB pages nearly every lookup
 * would also miss the TLB (the kernel's own direct map uses huge pages for the same reason).
 */
#define FS_HUGE (2u * 1024u * 1024u)
#define FS_CACHE_CHUNK FS_HUGE

static void *huge_zalloc(size_t size)
{
	void *p = NULL;

	if (posix_memalign(&p, FS_HUGE, size))
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, size, MADV_HUGEPAGE);
#endif
	memset(p, 0, size);
	return p;
}

void *fs_zalloc(size_t size)
{
	if (size >= FS_HUGE)
		return huge_zalloc(size);
	return calloc(1, size ? size : 1);
}

void *fs_zalloc_array(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return fs_zalloc(n * size);
}

void fs_free(void *p)
{
	free(p);
}

struct fs_cache_chunk {
	struct fs_cache_chunk *next;
};

struct fs_cache {
	size_t objsize;
	size_t per_chunk;
	void *free_list;
	struct fs_cache_chunk *chunks;
	char *cursor;      /* next never-used object in the newest chunk */
	size_t left;       /* never-used objects left there */
	size_t nchunks;
};

struct fs_cache *fs_cache_create(const char *name, size_t objsize)
{
	struct fs_cache *c = calloc(1, sizeof(*c));

	(void)name;
	if (!c)
		return NULL;
	if (objsize < sizeof(void *))
		objsize = sizeof(void *);
	c->objsize = (objsize + 7) & ~(size_t)7;
	c->per_chunk = (FS_CACHE_CHUNK - 64) / c->objsize;
	if (c->per_chunk == 0)
		c->per_chunk = 1;
	return c;
}

void *fs_cache_zalloc(struct fs_cache *c)
{
	void *obj;

	if (c->free_list) {
		obj = c->free_list;
		c->free_list = *(void **)obj;
	} else {
		if (!c->left) {
			struct fs_cache_chunk *ch = huge_zalloc(FS_CACHE_CHUNK);

			if (!ch)
				return NULL;
			ch->next = c->chunks;
			c->chunks = ch;
			c->cursor = (char *)ch + 64;
			c->left = c->per_chunk;
			c->nchunks++;
		}
		obj = c->cursor;
		c->cursor += c->objsize;
		c->left--;
	}
	memset(obj, 0, c->objsize);
	return obj;
}

void fs_cache_free(struct fs_cache *c, void *obj)
{
	if (!obj)
		return;
	*(void **)obj = c->free_list;
	c->free_list = obj;
}

void fs_cache_destroy(struct fs_cache *c)
{
	struct fs_cache_chunk *ch, *next;

	if (!c)
		return;
	for (ch = c->chunks; ch; ch = next) {
		next = ch->next;
		free(ch);
	}
	free(c);
}

size_t fs_cache_bytes(const struct fs_cache *c)
{
	return c->nchunks * (size_t)FS_CACHE_CHUNK;
}

int fs_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void fs_log(enum fs_log_level level, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	va_list ap;

	if (level > FS_LOG_WARN && !getenv("FLOWSIM_DEBUG"))
		return;
	fprintf(stderr, "flowsim core %s: ", names[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

struct fs_lock {
	pthread_mutex_t m;
};

struct fs_lock *fs_lock_create(void)
{
	struct fs_lock *l = malloc(sizeof(*l));

	if (l)
		pthread_mutex_init(&l->m, NULL);
	return l;
}

void fs_lock_destroy(struct fs_lock *l)
{
	if (!l)
		return;
	pthread_mutex_destroy(&l->m);
	free(l);
}

void fs_lock_acquire(struct fs_lock *l)
{
	pthread_mutex_lock(&l->m);
}

void fs_lock_release(struct fs_lock *l)
{
	pthread_mutex_unlock(&l->m);
}
