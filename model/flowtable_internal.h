/* SPDX-License-Identifier: MIT */
/* flowtable_internal.h - shared by the flowtable files; not part of the interface. */
#ifndef FS_FLOWTABLE_INTERNAL_H
#define FS_FLOWTABLE_INTERNAL_H

#include "flowtable.h"

#define FS_U64_MAX 0xffffffffffffffffULL

struct flowtable {
	struct flowtable_config cfg;
	u8 index;
	u32 count;
	const struct flowtable_hw_ops *hw;
	void *hw_priv;
	struct flowtable_stats stats;
};

enum flowtable_work_type { FT_WORK_ADD, FT_WORK_DEL, FT_WORK_STATS };

struct flowtable_work {
	struct conntrack_entry *ct;   /* holds a reference */
	u64 due;
	u8 type;
};

static inline struct flow_offload *ct_flow(struct conntrack_entry *ct)
{
	return &ct->flow;
}

static inline u32 flowtable_timeout_secs(const struct flowtable_ctx *fc,
					 const struct conntrack_entry *ct)
{
	const struct conntrack_params *p = conntrack_table_params(fc->ct);

	if (ct->tuplehash[0].tuple.proto == FS_IPPROTO_TCP)
		return p->flowtable_tcp_timeout;
	if (ct->tuplehash[0].tuple.proto == FS_IPPROTO_UDP)
		return p->flowtable_udp_timeout;
	return 30;  /* NF_FLOW_TIMEOUT */
}

void flowtable_event(struct flowtable_ctx *fc, enum fs_event_type type,
		     struct conntrack_entry *ct, u64 now, u32 detail, u32 aux);

/* nf_flow_offload_add / _del / _stats: queue hardware work (dropped while one is pending). */
void flowtable_hw_add(struct flowtable_ctx *fc, struct conntrack_entry *ct, u64 now);
bool flowtable_hw_del(struct flowtable_ctx *fc, struct conntrack_entry *ct, u64 now);
void flowtable_hw_stats(struct flowtable_ctx *fc, struct conntrack_entry *ct, u64 now);

/* flow_offload_del: unlink a flow and drop its conntrack reference. */
void flowtable_free_flow(struct flowtable_ctx *fc, struct flowtable *ft,
			 struct conntrack_entry *ct, u64 now);

/* flow_offload_refresh */
void flowtable_refresh(struct flowtable_ctx *fc, struct flowtable *ft,
		       struct conntrack_entry *ct, u64 now, bool force);

#endif
