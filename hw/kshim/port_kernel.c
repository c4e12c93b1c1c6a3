// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * port_kernel.c - the kernel implementation of model/port/fs_port.h.
 *
 * The core (every model/ source) is compiled unchanged into flowsim_kshim.ko; this file supplies
 * everything fs_port.h declares, on kernel primitives:
 *
 *   fs_zalloc/fs_free      kvzalloc (GFP_KERNEL) when the caller may sleep, kzalloc
 *                          (GFP_ATOMIC) otherwise; kvfree frees both
 *   fs_cache_*             kmem_cache, named "flowsim_<name>"; destroy frees what is
 *                          left in it, as the core expects (see struct fs_cache_obj)
 *   fs_snprintf            vsnprintf (C99 semantics: returns the would-be length)
 *   fs_log                 printk, rate limited below FS_LOG_ERR
 *   fs_lock_*              spinlock_t taken with spin_lock_bh
 *
 * Invariant on contexts: the shim calls the core only with its own spinlock held
 * (kshim_core.c), i.e. never preemptible, except while a router is being created or
 * destroyed (module/attach code, process context, no lock, nothing published yet).  So
 * preemptible() tells exactly whether an allocation may sleep: big tables (the conntrack
 * hash, the PPE table) are allocated at creation with GFP_KERNEL and may come from
 * vmalloc; everything allocated per packet (neighbours, work items, connections) is
 * GFP_ATOMIC and fails cleanly - every core caller handles NULL.  Debian's 6.1 has
 * CONFIG_PREEMPT_COUNT=y (PREEMPT_DYNAMIC), so preemptible() is reliable there; without
 * it we fall back to GFP_ATOMIC always.
 *
 * Messages never contain the words the kernel uses for its own splats (BUG, WARNING,
 * Oops) so that the reference test's dmesg check only fires on real ones.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/spinlock.h>
#include <linux/preempt.h>
#include <linux/printk.h>
#include <linux/ratelimit.h>
#include <linux/list.h>
#include <linux/string.h>

#include "fs_port.h"

static bool kshim_may_sleep(void)
{
#ifdef CONFIG_PREEMPT_COUNT
	return preemptible();
#else
	return false;
#endif
}

void *fs_zalloc(size_t size)
{
	if (!size)
		size = 1;
	if (kshim_may_sleep())
		/* NOWARN: kvmalloc WARNs above INT_MAX, and a root-set nf_conntrack_buckets can
		 * ask for that; the core handles NULL */
		return kvzalloc(size, GFP_KERNEL | __GFP_NOWARN);
	return kzalloc(size, GFP_ATOMIC | __GFP_NOWARN);
}

void *fs_zalloc_array(size_t n, size_t size)
{
	size_t bytes;

	if (check_mul_overflow(n, size, &bytes))
		return NULL;
	return fs_zalloc(bytes);
}

void fs_free(void *p)
{
	kvfree(p);
}

/*
 * The core relies on fs_cache_destroy() freeing every object still in the cache (the
 * conntrack table and the PPE's flow list are torn down that way, as the userspace slab
 * does by dropping its chunks).  kmem_cache_destroy() refuses a cache with live objects
 * (a slab error and a leak), so each object carries a list node in front of it and
 * destroy frees what is left.  16 bytes per object (under 7% on a 240-byte connection).
 */
struct fs_cache_obj {
	struct list_head node;
	/* the core's object follows, 16-byte aligned */
} __aligned(16);

struct fs_cache {
	struct kmem_cache *kc;
	size_t objsize;
	spinlock_t lock;                 /* the object list */
	struct list_head objects;
	unsigned long count;
	char name[32];
};

struct fs_cache *fs_cache_create(const char *name, size_t objsize)
{
	struct fs_cache *c;
	char full[48];

	/* kmem_cache_create sleeps: the core creates caches only with its tables */
	if (!kshim_may_sleep()) {
		pr_err("flowsim: cache %s requested in atomic context\n", name);
		return NULL;
	}
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return NULL;
	snprintf(full, sizeof(full), "flowsim_%s", name);
	/* the name is copied by kmem_cache_create (kstrdup_const) */
	c->kc = kmem_cache_create(full, sizeof(struct fs_cache_obj) + objsize,
				  __alignof__(struct fs_cache_obj), 0, NULL);
	if (!c->kc) {
		kfree(c);
		return NULL;
	}
	c->objsize = objsize;
	spin_lock_init(&c->lock);
	INIT_LIST_HEAD(&c->objects);
	strscpy(c->name, name, sizeof(c->name));
	return c;
}

void *fs_cache_zalloc(struct fs_cache *c)
{
	struct fs_cache_obj *o = kmem_cache_zalloc(c->kc, kshim_may_sleep() ? GFP_KERNEL :
							  GFP_ATOMIC | __GFP_NOWARN);

	if (!o)
		return NULL;
	spin_lock_bh(&c->lock);
	list_add(&o->node, &c->objects);
	c->count++;
	spin_unlock_bh(&c->lock);
	return o + 1;
}

void fs_cache_free(struct fs_cache *c, void *obj)
{
	struct fs_cache_obj *o;

	if (!obj)
		return;
	o = (struct fs_cache_obj *)obj - 1;
	spin_lock_bh(&c->lock);
	list_del(&o->node);
	c->count--;
	spin_unlock_bh(&c->lock);
	kmem_cache_free(c->kc, o);
}

void fs_cache_destroy(struct fs_cache *c)
{
	struct fs_cache_obj *o, *tmp;

	if (!c)
		return;
	/* no other user exists any more (the owner is being destroyed): no lock needed */
	list_for_each_entry_safe(o, tmp, &c->objects, node) {
		list_del(&o->node);
		kmem_cache_free(c->kc, o);
	}
	kmem_cache_destroy(c->kc);
	kfree(c);
}

size_t fs_cache_bytes(const struct fs_cache *c)
{
	return c->count * (sizeof(struct fs_cache_obj) + c->objsize);
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
	static DEFINE_RATELIMIT_STATE(rs, 5 * HZ, 20);
	struct va_format vaf;
	va_list ap;

	if (level >= FS_LOG_DEBUG)
		return;
	if (level > FS_LOG_ERR && !__ratelimit(&rs))
		return;
	va_start(ap, fmt);
	vaf.fmt = fmt;
	vaf.va = &ap;
	switch (level) {
	case FS_LOG_ERR:
		pr_err("flowsim core: error: %pV\n", &vaf);
		break;
	case FS_LOG_WARN:
		pr_notice("flowsim core: warn: %pV\n", &vaf);
		break;
	default:
		pr_info("flowsim core: %pV\n", &vaf);
		break;
	}
	va_end(ap);
}

struct fs_lock {
	spinlock_t lock;
};

struct fs_lock *fs_lock_create(void)
{
	struct fs_lock *l = kzalloc(sizeof(*l), kshim_may_sleep() ? GFP_KERNEL : GFP_ATOMIC);

	if (l)
		spin_lock_init(&l->lock);
	return l;
}

void fs_lock_destroy(struct fs_lock *l)
{
	kfree(l);
}

void fs_lock_acquire(struct fs_lock *l)
{
	spin_lock_bh(&l->lock);
}

void fs_lock_release(struct fs_lock *l)
{
	spin_unlock_bh(&l->lock);
}
