/* SPDX-License-Identifier: MIT */
/*
 * fs_port.h - the only interface the flow-offload core (model/) may use.
 *
 * The core is compiled by three hosts: the userspace simulator, a Linux kernel module
 * (hw/kshim) and a freestanding compile check (tests/freestanding).  Everything the core
 * needs from its environment is declared here; each host supplies the implementation:
 *
 *   userspace   model/port/port_user.c  (libc)
 *   kernel      hw/kshim/port_kernel.c  (kmalloc, snprintf, spinlocks)
 *   check       nothing: the compile test only compiles, it never links
 *
 * Invariants the core relies on:
 *  - integer types come from the compiler (__UINT32_TYPE__ ...) or, in the kernel, from
 *    <linux/types.h>; no libc header is ever included by model code;
 *  - allocation can fail and every caller handles NULL;
 *  - fs_snprintf understands only the C99 conversions %d %u %x %s %c with the l/ll
 *    modifiers and field widths, which every host's snprintf supports identically.
 */
#ifndef FS_PORT_H
#define FS_PORT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/stddef.h>
#include <linux/compiler.h>
#else
typedef __UINT8_TYPE__ u8;
typedef __UINT16_TYPE__ u16;
typedef __UINT32_TYPE__ u32;
typedef __UINT64_TYPE__ u64;
typedef __INT8_TYPE__ s8;
typedef __INT16_TYPE__ s16;
typedef __INT32_TYPE__ s32;
typedef __INT64_TYPE__ s64;
typedef __SIZE_TYPE__ size_t;
#if !defined(__cplusplus) && !defined(__bool_true_false_are_defined)
typedef _Bool bool;
#define true 1
#define false 0
#define __bool_true_false_are_defined 1
#endif
#ifndef NULL
#define NULL ((void *)0)
#endif
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif /* __KERNEL__ */

#define FS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define fs_container_of(ptr, type, member) \
	((type *)((char *)(ptr) - __builtin_offsetof(type, member)))
#define FS_MIN(a, b) ((a) < (b) ? (a) : (b))
#define FS_MAX(a, b) ((a) > (b) ? (a) : (b))

/* Time: the core counts integer nanoseconds; hosts pass "now" into every call. */
#define FS_NSEC_PER_MSEC 1000000ULL
#define FS_NSEC_PER_SEC 1000000000ULL
#define FS_SEC(s) ((u64)(s) * FS_NSEC_PER_SEC)
#define FS_MSEC(ms) ((u64)(ms) * FS_NSEC_PER_MSEC)

/* Memory: byte helpers compile to inline code or to the host's mem* functions. */
#define fs_memcpy(d, s, n) __builtin_memcpy((d), (s), (n))
#define fs_memset(d, c, n) __builtin_memset((d), (c), (n))
#define fs_memcmp(a, b, n) __builtin_memcmp((a), (b), (n))

/* A hint to fetch a cache line ahead of use (the kernel's prefetch()). */
#define fs_prefetch(p) __builtin_prefetch(p)

void *fs_zalloc(size_t size);          /* zeroed; NULL on failure */
void *fs_zalloc_array(size_t n, size_t size); /* zeroed; NULL on overflow or failure */
void fs_free(void *p);                 /* NULL is allowed */

/*
 * Object caches (kmem_cache in the kernel): fixed-size objects without per-object
 * allocator overhead.  The core keeps millions of connections, so this matters.
 */
struct fs_cache;
struct fs_cache *fs_cache_create(const char *name, size_t objsize);
void *fs_cache_zalloc(struct fs_cache *c);
void fs_cache_free(struct fs_cache *c, void *obj);
/* Destroying a cache frees the objects still allocated from it: the core's table teardown
 * relies on this instead of walking its tables (kmem_cache_destroy does not, so the kernel
 * port tracks its objects). */
void fs_cache_destroy(struct fs_cache *c);
size_t fs_cache_bytes(const struct fs_cache *c); /* memory held, for accounting */

int fs_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

enum fs_log_level { FS_LOG_ERR, FS_LOG_WARN, FS_LOG_INFO, FS_LOG_DEBUG };
void fs_log(enum fs_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Locking: the simulator drives one core instance from one thread, the kernel shim from
 * softirq context on several CPUs.  The core takes fs_lock around table mutations.
 */
struct fs_lock;
struct fs_lock *fs_lock_create(void);
void fs_lock_destroy(struct fs_lock *l);
void fs_lock_acquire(struct fs_lock *l);
void fs_lock_release(struct fs_lock *l);

/* Bob Jenkins' lookup3 final mix, the same arithmetic as the kernel's jhash2(). */
static inline u32 fs_rol32(u32 w, unsigned int s)
{
	return (w << s) | (w >> ((-s) & 31));
}

#define FS_JHASH_MIX(a, b, c)                                          \
	do {                                                           \
		a -= c; a ^= fs_rol32(c, 4);  c += b;                  \
		b -= a; b ^= fs_rol32(a, 6);  a += c;                  \
		c -= b; c ^= fs_rol32(b, 8);  b += a;                  \
		a -= c; a ^= fs_rol32(c, 16); c += b;                  \
		b -= a; b ^= fs_rol32(a, 19); a += c;                  \
		c -= b; c ^= fs_rol32(b, 4);  b += a;                  \
	} while (0)

#define FS_JHASH_FINAL(a, b, c)                                        \
	do {                                                           \
		c ^= b; c -= fs_rol32(b, 14);                          \
		a ^= c; a -= fs_rol32(c, 11);                          \
		b ^= a; b -= fs_rol32(a, 25);                          \
		c ^= b; c -= fs_rol32(b, 16);                          \
		a ^= c; a -= fs_rol32(c, 4);                           \
		b ^= a; b -= fs_rol32(a, 14);                          \
		c ^= b; c -= fs_rol32(b, 24);                          \
	} while (0)

/* Hash an array of 32-bit words (jhash2). */
static inline u32 fs_jhash2(const u32 *k, u32 length, u32 initval)
{
	u32 a, b, c;

	a = b = c = 0xdeadbeef + (length << 2) + initval;
	while (length > 3) {
		a += k[0];
		b += k[1];
		c += k[2];
		FS_JHASH_MIX(a, b, c);
		length -= 3;
		k += 3;
	}
	switch (length) {
	case 3: c += k[2]; /* fall through */
	case 2: b += k[1]; /* fall through */
	case 1: a += k[0];
		FS_JHASH_FINAL(a, b, c);
		break;
	case 0:
		break;
	}
	return c;
}

/* Wrap-safe comparisons of u32 counters (like the kernel's time_after()). */
#define fs_after32(a, b) ((s32)((u32)(b) - (u32)(a)) < 0)

#endif /* FS_PORT_H */
