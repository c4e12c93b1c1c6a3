/* SPDX-License-Identifier: MIT */
/*
 * soc_profile.h - SoC profiles: the hardware a simulated router runs on, read from the YAML
 * data files in hw/soc/ (format and provenance of every number: docs/soc-profiles.md).
 *
 * A profile carries
 *  - identity: name, CPU class, cores (and SMT threads), clock, NETSYS version, RAM;
 *  - the PPE and WED facts the model needs (or none);
 *  - the per-path CPU cost table, field by field struct fs_cost_table (cycles);
 *  - what the host's CPU/NAPI/queue model needs beyond it (NAPI budget, rings, per-poll
 *    cost, GRO/TSO behaviour, Wi-Fi receive surcharge, qdisc costs, background load).
 *
 * An unlisted SoC is described by `base: <cpu class>` with its cores and clock: every cycle
 * figure is taken from the profile that declares `class_reference: true` for that class and
 * scaled by  (1 - m) + m * clock / clock_ref,  m being the reference's memory_fraction (the
 * share of per-packet cycles spent waiting for memory, whose latency in ns does not shrink
 * with the clock).  Anything the file states explicitly overrides what was derived.
 *
 * Lookup: a name ("mt7621") is the file <dir>/<name>.yaml with dir = the soc_dir argument,
 * else $FLOWSIM_SOC_DIR, else the source tree's hw/soc; anything with a '/' or ending in
 * ".yaml" is a path.
 */
#ifndef FLOWSIM_SOC_PROFILE_H
#define FLOWSIM_SOC_PROFILE_H

#include "cost.h"
#include "ppe.h"
#include "yaml_util.h"

#define SOC_NAME_MAX 32
#define SOC_DESC_MAX 160

enum soc_cpu_class {
	SOC_CPU_MIPS_24KC,
	SOC_CPU_MIPS_74KC,
	SOC_CPU_MIPS_1004KC,
	SOC_CPU_CORTEX_A53,
	SOC_CPU_CORTEX_A73,
	SOC_CPU_X86_64,
	SOC_CPU__COUNT
};

/* "mips-24kc", ... (NULL-terminated table indexed by enum soc_cpu_class). */
extern const char *const soc_cpu_class_names[];

struct soc_cpu {
	uint8_t cls;                 /* enum soc_cpu_class */
	uint8_t cores;               /* physical cores */
	uint8_t threads_per_core;    /* SMT threads (MIPS MT VPEs); logical CPUs = cores * this */
	uint8_t bits;                /* 32 or 64 (conntrack sizing, pointer size) */
	uint64_t clock_hz;
	double smt_throughput;       /* a core's throughput with all threads busy, relative to
				      * one thread alone (1.0 without SMT) */
	double memory_fraction;      /* m in the scaling rule above */
};

struct soc_ppe {
	bool present;
	char model[16];              /* PPE the model implements (ppe_config_for_soc name) */
	uint8_t offload_version;
	uint8_t instances;           /* PPE blocks in hardware (ppe_num) */
	uint8_t ways;                /* hash_offset */
	uint8_t accounting;          /* MIB counters in hardware (has_accounting) */
	uint16_t entry_size;         /* foe_entry_size, bytes */
	uint8_t n_reserved;
	uint8_t reserved_offsets[8]; /* STATIC slots inside every 128-entry block */
	uint32_t entries;            /* FOE entries the driver uses before 6.11 (shift 3) */
	uint32_t entries_6_11;       /* ... from 6.11 on (shift 4) */
	uint32_t hw_max_entries;     /* what the hardware supports */
	uint16_t bind_rate;          /* packets per second to bind (MTK_PPE_BIND_RATE) */
	uint16_t unbind_min_packets;
	uint8_t age_unbind, age_tcp, age_udp, age_fin, age_non_l4;   /* seconds */
};

struct soc_wed {
	uint8_t blocks;              /* 0: no WED */
	uint8_t version;
	uint8_t rx;                  /* WED RX offload */
	uint8_t wmac_radio;          /* radio index of the built-in WMAC, 0xff none */
	uint8_t wmac_wed;            /* its driver has WED hooks */
	uint8_t chip;                /* enum wed_wlan_chip */
};

/* Per-host figures (cycles unless noted). */
struct soc_host {
	uint32_t napi_budget;        /* packets per NAPI poll (driver weight) */
	uint32_t netdev_budget;      /* packets per NET_RX softirq run */
	uint32_t rx_ring;            /* RX descriptors per ring */
	uint32_t tx_ring;            /* TX descriptors per ring */
	uint32_t backlog;            /* netdev_max_backlog (packets) */
	uint32_t poll_cycles;        /* per NAPI poll: IRQ, softirq, poll start and completion */
	uint32_t rx_irq_delay_us;    /* Ethernet RX interrupt moderation: the interrupt comes
				      * this long after the first pending frame (0: none) ... */
	uint32_t rx_irq_delay_frames; /* ... or when this many frames are pending */
	bool rx_irq_dim;             /* net_dim adapts the delay (mtk_eth_soc mtk_dim_rx) */
	uint64_t background_cycles;  /* per second of housekeeping with no traffic */
	uint32_t wifi_rx_extra;      /* per packet received from Wi-Fi, on top of rx_napi */
	bool gro;                    /* the Ethernet driver feeds GRO (napi_gro_receive) */
	uint32_t gro_max_segments;   /* TCP segments in one aggregate at most */
	uint32_t gro_merge_cycles;   /* per segment merged into an aggregate */
	bool gro_list;               /* rx-gro-list (fraglist GRO) enabled by default */
	bool tso;                    /* the Ethernet MAC segments GSO packets in hardware */
	uint32_t gso_segment_cycles; /* per segment when software must segment (no TSO) */
	uint32_t qdisc_fq_codel;     /* per packet through fq_codel (unshaped) */
	uint32_t qdisc_htb_fq_codel; /* per packet through HTB + fq_codel (simple.qos) */
	uint32_t qdisc_cake;         /* per packet through a shaping cake */
	uint32_t ifb_redirect;       /* per packet redirected to an ifb (ingress shaping) */
};

struct soc_profile {
	char name[SOC_NAME_MAX];
	char description[SOC_DESC_MAX];
	char source[512];            /* file (or "inline in FILE") it came from */
	char derived_from[SOC_NAME_MAX]; /* class reference it was scaled from ("" if none) */
	double scale;                /* the factor applied (1.0 if not derived) */
	bool class_reference;
	uint8_t netsys;              /* MediaTek NETSYS version, 0 = none */
	uint64_t ram_bytes;
	struct soc_cpu cpu;
	struct soc_ppe ppe;
	struct soc_wed wed;
	struct fs_cost_table cost;
	struct soc_host host;
};

/* The directory names are looked up in (argument, $FLOWSIM_SOC_DIR, built-in). */
const char *soc_profile_dir(const char *soc_dir);

/*
 * Load a profile by name or path.  Returns true, or false with errors in d (naming the
 * profile file, line and column).  rel_dir: directory relative paths are resolved against
 * (NULL: the current directory).
 */
bool soc_profile_load(const char *name_or_path, const char *rel_dir, const char *soc_dir,
		      struct soc_profile *out, struct yu_diag *d);

/* A profile given as a YAML mapping (inline in a scenario, or a whole profile file). */
bool soc_profile_from_node(const struct yu_node *map, const char *soc_dir,
			   struct soc_profile *out, struct yu_diag *d);

/* Names of the profiles in a directory, sorted (g_strfreev). */
char **soc_profile_list(const char *soc_dir);

/* The scaling factor from a reference profile to a CPU of the same class at clock_hz. */
double soc_profile_scale(const struct soc_profile *ref, uint64_t clock_hz);

/*
 * The struct ppe_config for this SoC and kernel (major * 100 + minor): the model's
 * kernel-dependent switches for the PPE named in the profile, with the profile's facts.
 * Returns -1 if the SoC has no PPE.
 */
int soc_profile_ppe_config(const struct soc_profile *p, uint16_t kernel,
			   struct ppe_config *cfg);

/*
 * nf_conntrack's automatic table size (spec linux-flowtable.md §5.4): buckets and
 * nf_conntrack_max for ram bytes on a 32/64-bit kernel; openwrt applies OpenWrt's
 * hack-6.6/661 (divisor 2048 instead of 16384) on kernels >= 6.6.
 */
void soc_conntrack_size(uint64_t ram, uint8_t bits, uint16_t kernel, bool openwrt,
			uint32_t *buckets, uint32_t *max);

/* Names of struct fs_cost_table's fields in order (NULL-terminated), and access by index. */
extern const char *const soc_cost_field_names[];
uint32_t *soc_cost_field(struct fs_cost_table *c, unsigned int i);

#endif /* FLOWSIM_SOC_PROFILE_H */
