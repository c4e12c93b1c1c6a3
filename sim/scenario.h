/* SPDX-License-Identifier: MIT */
/*
 * scenario.h - a flowsim scenario (the input of `flowsim run` and `flowsim validate`):
 * the router (SoC, kernel behaviour, conntrack profile and sysctls, firewall, PPE/WED), its
 * ports and radios, the hosts and Wi-Fi stations around it, the traffic, scripted events
 * and what to record.  Every key, unit and default is documented in docs/scenario.md.
 *
 * scenario_load() parses and validates a YAML file completely: every error is reported with
 * FILE:LINE:COL and what was expected, unknown keys are errors (with a suggestion when one is
 * close), references (ports, hosts, radios, zones, networks) must resolve, and absurd values
 * are refused.  A scenario that loads is consistent: the run loop can build the router and
 * the world from these structs without re-checking anything.
 *
 * Conventions for the run loop:
 *  - all times are u64 nanoseconds from the start of the run, rates are bits per second,
 *    sizes are bytes;
 *  - references are indices into the arrays of struct scenario (-1 = none);
 *  - ports appear in the order given; every lower device, conduit and bridge precedes its
 *    users in scenario_build_netconf()'s ifindex assignment;
 *  - struct scn_router.config is ready for router_create(), .ppe for ppe_create() when
 *    has_ppe, and the firewall for fw4_render() with .networks.
 */
#ifndef FLOWSIM_SCENARIO_H
#define FLOWSIM_SCENARIO_H

#include "fw4.h"
#include "netdev.h"
#include "ppe.h"
#include "qdisc.h"
#include "router.h"
#include "soc_profile.h"
#include "yaml_util.h"

#define SCN_NAME_MAX 32
#define SCN_MAX_PORT_NETS 4
#define SCN_MAX_PORT_ADDRS 8
#define SCN_MAX_SNAPSHOTS 8
#define SCN_MAX_NETWORKS 32

enum scn_role { SCN_ROLE_NONE, SCN_ROLE_LAN, SCN_ROLE_WAN };

struct scn_prefix {
	uint8_t family;              /* FS_AF_INET / FS_AF_INET6 */
	uint8_t plen;
	union fs_addr addr;
};

struct scn_qdisc {
	char kind[16];               /* "fq_codel" (default), "cake", "htb", "pfifo", "noqueue" */
	bool configured;             /* given in the scenario (else the default) */
	struct qdisc_params params;  /* validated with qdisc_params_set(); unused for noqueue */
};

struct scn_port {
	char name[FS_IFNAMSIZ];
	uint8_t kind;                /* enum fs_netdev_kind: ETHER, DSA, VLAN, PPPOE, BRIDGE, WLAN */
	uint8_t role;                /* enum scn_role, after inheritance (see docs) */
	int lower;                   /* VLAN/PPPoE: lower port; DSA: conduit; else -1 */
	int master;                  /* bridge member: the bridge's port index; else -1 */
	int radio;                   /* WLAN: radio index; else -1 */
	uint8_t bss;                 /* WLAN: BSS (vif) index on the radio */
	uint8_t gmac;                /* ETHER: SoC MAC (GMAC) id, 0xff = not a SoC MAC */
	uint8_t dsa_port;            /* DSA: switch port number */
	uint16_t vlan_id;            /* VLAN */
	uint16_t pppoe_sid;          /* PPPoE session id */
	uint16_t mtu;
	uint64_t rate_bps;           /* ETHER/DSA: line rate of the attached link; else 0 */
	uint64_t delay_ns;           /* ETHER/DSA: one-way propagation delay of that link */
	uint8_t n_networks;
	char networks[SCN_MAX_PORT_NETS][FW4_NAME];   /* logical networks (UCI interface names) */
	uint8_t n_addrs;
	struct scn_prefix addrs[SCN_MAX_PORT_ADDRS];  /* the router's addresses on this device */
	bool has_gw4, has_gw6;       /* default route through a gateway on this device */
	union fs_addr gw4, gw6;
	bool default_route;          /* default route straight out of this device (PPPoE) */
	struct scn_qdisc qdisc;      /* egress qdisc */
	struct scn_qdisc ingress;    /* ETHER/DSA: the ifb's qdisc of ingress shaping
				      * (configured false: none) */
	uint32_t line, col;          /* where it is defined */
};

enum scn_band { SCN_BAND_2G4, SCN_BAND_5G, SCN_BAND_6G };   /* = fs_netdev.wlan_band */

struct scn_radio {
	char name[SCN_NAME_MAX];
	uint8_t band;                /* enum scn_band */
	uint64_t phy_rate_bps;       /* PHY rate stations get unless they say otherwise */
	bool shared_airtime;         /* stations share one medium (false: idealised links) */
	bool wed;                    /* router.wed: the driver's wed_enable for this radio */
	uint32_t line, col;
};

struct scn_host {
	char name[SCN_NAME_MAX];
	bool station;                /* a Wi-Fi station (stations:), else a wired host */
	int port;                    /* attachment port (a WLAN port for stations) */
	uint8_t role;                /* role of that port: SCN_ROLE_LAN or SCN_ROLE_WAN */
	bool has_v4, has_v6;
	union fs_addr v4, v6;
	uint64_t rtt_ns;             /* extra round trip beyond the router's link (WAN hosts) */
	uint64_t phy_rate_bps;       /* stations: 0 = the radio's */
	uint32_t line, col;
};

enum scn_traffic_type {
	SCN_TCP_BULK, SCN_UDP_CBR, SCN_UDP_FLOOD, SCN_P2P_SWARM, SCN_WEB, SCN_GAME, SCN_VOIP,
	SCN_TRAFFIC__COUNT
};
enum scn_direction { SCN_DOWNLOAD, SCN_UPLOAD, SCN_BOTH };
enum scn_cc { SCN_CC_CUBIC, SCN_CC_RENO };
enum scn_dist_kind {
	SCN_DIST_CONSTANT, SCN_DIST_EXPONENTIAL, SCN_DIST_PARETO, SCN_DIST_LOGNORMAL,
	SCN_DIST_UNIFORM
};

/* A random quantity (bit/s or bytes).  constant: mean; uniform: min..max. */
struct scn_dist {
	uint8_t kind;                /* enum scn_dist_kind */
	double mean;
	double shape;                /* pareto: alpha (> 1); lognormal: sigma (> 0) */
	double min, max;             /* uniform */
};

struct scn_traffic {
	char name[SCN_NAME_MAX];
	uint8_t type;                /* enum scn_traffic_type */
	int client;                  /* host index: the side that opens connections */
	int server;                  /* host index: the side that accepts them */
	uint8_t direction;           /* enum scn_direction: download = server -> client data */
	uint8_t family;              /* FS_AF_INET or FS_AF_INET6 */
	uint16_t port;               /* server port (0 = generator's default) */
	uint64_t start_ns, stop_ns;
	/* tcp_bulk */
	uint8_t cc;                  /* enum scn_cc */
	uint32_t count;              /* parallel connections */
	uint64_t bytes;              /* per connection, 0 = until flow_duration/stop */
	uint64_t flow_duration_ns;   /* per connection, 0 = until bytes/stop */
	/* udp_cbr, udp_flood, game, voip */
	uint64_t rate_bps;           /* udp_cbr */
	uint32_t size;               /* UDP payload bytes per packet */
	uint64_t interval_ns;        /* game/voip: packet interval per direction */
	bool measure_latency;        /* record per-packet one-way and round-trip delay */
	/* p2p_swarm */
	uint32_t flows;              /* concurrent flows */
	uint32_t peers;              /* distinct remote endpoints */
	struct scn_prefix peer_prefix;
	struct scn_dist flow_rate;   /* bit/s of each flow */
	double churn_per_s;          /* flows replaced by new ones per second */
	double udp_fraction;         /* share of flows that are UDP (uTP) */
	/* web */
	double new_flows_per_s;
	struct scn_dist flow_size;   /* bytes of each response */
	uint32_t line, col;
};

enum scn_event_type { SCN_EV_ROAM, SCN_EV_LINK_DOWN, SCN_EV_LINK_UP, SCN_EV_FIREWALL_RELOAD };

struct scn_event {
	uint64_t at_ns;
	uint8_t type;                /* enum scn_event_type */
	int host;                    /* roam: the station */
	int port;                    /* roam: new attachment port; link_*: the port */
	uint32_t line, col;
};

enum scn_snapshot_kind {
	SCN_SNAP_CONNTRACK,          /* /proc/net/nf_conntrack */
	SCN_SNAP_PPE,                /* /sys/kernel/debug/ppeN/entries */
	SCN_SNAP_PPE_BIND,           /* /sys/kernel/debug/ppeN/bind */
	SCN_SNAP_NFT,                /* nft list ruleset (with counters) */
	SCN_SNAP_FLOWTABLE,          /* flowtable entries */
};

struct scn_snapshot {
	uint8_t what;                /* enum scn_snapshot_kind */
	uint64_t every_ns;           /* periodic (0: only the listed times) */
	uint32_t n_at;
	uint64_t *at_ns;             /* sorted */
};

struct scn_output {
	char *database;              /* SQLite path (resolved), NULL = none */
	char *json;                  /* JSON summary path (resolved), NULL = none */
	uint64_t sample_interval_ns; /* time-series sampling */
	uint32_t n_snapshots;
	struct scn_snapshot snapshots[SCN_MAX_SNAPSHOTS];
};

/* replay: which router port a captured packet arrives on, by its source address. */
struct scn_replay_map {
	struct scn_prefix from;      /* first match wins */
	int port;                    /* scenario port (ether, dsa or vlan, with a role) */
	uint32_t line, col;
};

struct scn_replay {
	bool present;                /* the scenario has a replay: section */
	uint32_t n_maps;
	struct scn_replay_map *maps;
	uint64_t start_ns;           /* sim time of the capture's first packet */
	bool skip_outgoing;          /* SLL/SLL2 outgoing packets are left out (default) */
	bool tolerant;               /* undecodable packets are skipped, not an error */
	uint32_t line, col;
};

enum scn_ct_profile { SCN_CT_OPENWRT, SCN_CT_LINUX };

struct scn_sysctl {
	char name[64];               /* kernel name, without "net.netfilter." */
	uint64_t value;
};

struct scn_router {
	struct soc_profile soc;
	uint16_t kernel;             /* major * 100 + minor */
	uint8_t ct_profile;          /* enum scn_ct_profile */
	struct router_config config; /* conntrack (auto-sized from RAM, then sysctls), flowtable
				      * behaviour for the kernel, the SoC's cost table */
	uint32_t n_sysctls;
	struct scn_sysctl *sysctls;  /* the overrides as given, applied to config.ct */
	bool has_ppe;
	struct ppe_config ppe;       /* the SoC's PPE for the kernel, with router.ppe overrides */
	struct fw4_config fw;        /* inline `firewall`, the file of `firewall_uci`, or OpenWrt's
				      * shipped /etc/config/firewall */
	char *firewall_uci;          /* resolved path, NULL when not used */
	char *extra_nft;             /* nft text applied after fw4's ruleset, NULL if none */
	char *ruleset;               /* router.ruleset / ruleset_json: nft text that replaces fw4's
				      * ruleset (a JSON dump translated), NULL: fw4 renders it */
	char *ruleset_file;          /* its resolved path, NULL when not used */
	uint32_t n_networks;
	struct fw4_network networks[SCN_MAX_NETWORKS];  /* logical networks -> devices */
	uint8_t packet_steering;     /* network.globals.packet_steering: 0, 1, 2 (sim_router.h) */
};

struct scenario {
	char *file;                  /* the path as given */
	char *dir;                   /* its directory: base of relative paths */
	char name[64];
	char *description;
	uint64_t seed;
	uint64_t duration_ns;
	struct scn_router router;
	uint32_t n_ports, n_radios, n_hosts, n_traffic, n_events;
	struct scn_port *ports;
	struct scn_radio *radios;
	struct scn_host *hosts;      /* wired hosts first, then stations */
	struct scn_traffic *traffic;
	struct scn_event *events;    /* sorted by time (stable) */
	struct scn_output output;
	struct scn_replay replay;    /* used by flowsim run --replay (docs/scenario.md) */
};

/*
 * Load and validate.  Returns NULL when there is any error (all of them are in d); warnings
 * alone do not fail.  soc_dir: where SoC profile names are looked up (NULL: the default,
 * see soc_profile.h).
 */
struct scenario *scenario_load(const char *path, const char *soc_dir, struct yu_diag *d);
struct scenario *scenario_load_string(const char *display, const char *dir, const char *text,
				      size_t len, const char *soc_dir, struct yu_diag *d);
void scenario_free(struct scenario *s);

int scenario_port_index(const struct scenario *s, const char *name);
int scenario_host_index(const struct scenario *s, const char *name);
int scenario_radio_index(const struct scenario *s, const char *name);

/*
 * The router's network configuration for the core: one device per port (ifindex_of[i] gets
 * port i's ifindex), addresses, connected routes and default routes.  Neighbours are the
 * run loop's (they need MACs).  0, or -1 when the model's tables are too small.
 */
int scenario_build_netconf(const struct scenario *s, struct fs_netconf *nc,
			   uint16_t *ifindex_of);

extern const char *const scn_traffic_type_names[];
extern const char *const scn_event_type_names[];
extern const char *const scn_snapshot_names[];

/* a is inside one of port p's address prefixes (of that family): the port's subnet */
bool scn_on_link(const struct scn_port *p, uint8_t family, const union fs_addr *a);

#endif /* FLOWSIM_SCENARIO_H */
