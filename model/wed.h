/* SPDX-License-Identifier: MIT */
/*
 * wed.h - MediaTek Wireless Ethernet Dispatch (WED) as the PPE model needs it.
 *
 * WED lets a bound PPE entry deliver straight into a Wi-Fi chip's DMA rings (WDMA).  What
 * the model keeps (spec mediatek-ppe-wed.md §5, mtk_wed.c, mt76 mt7915/mt7996):
 *  - which SoCs have WED blocks and how many (none on MT7621; MT7622 two v1 blocks, but its
 *    own 2.4 GHz WMAC runs mt7615e, which has no WED hooks; MT7981 one; MT7986 two; MT7988
 *    three);
 *  - which radio a block serves: radios are assigned in device order, first come first
 *    served (mtk_wed_assign: "first device to attach wins");
 *  - what the Wi-Fi driver's net_fill_forward_path answers for a station: refused when WED
 *    is inactive (-ENODEV) or the station index exceeds the driver's WTBL limit (-EIO),
 *    else {wdma index, queue = band ring, bss, wcid} - values that get frozen into the PPE
 *    entry;
 *  - the flow count per block: offload_enable on the first flow, offload_disable when the
 *    last one leaves (mtk_wed_flow_add / mtk_wed_flow_remove), reported as events.
 *
 * The Wi-Fi chip behind the blocks decides the station limit and whether the station index
 * is frozen into the entry at all: mt7915e writes the real wcid only on MT7915 and uses
 * 0x3ff ("look the station up yourself") on MT7916/MT798x; mt7996e writes the real wcid.
 */
#ifndef FS_WED_H
#define FS_WED_H

#include "netdev.h"
#include "event.h"

#define WED_MAX 3
#define WED_NONE (-1)

/* errno-style results of wed_fill_path (the values mt76 returns) */
#define WED_ENODEV 19
#define WED_EIO 5

/* Wi-Fi chip family of the WED-served radios. */
enum wed_wlan_chip {
	WED_CHIP_NONE,
	WED_CHIP_MT7915,      /* PCIe MT7915: WTBL 288, wcid frozen into the entry */
	WED_CHIP_MT7916,      /* PCIe MT7916: WTBL 544, entry wcid 0x3ff */
	WED_CHIP_MT798X_WMAC, /* MT7981/MT7986 built-in WMAC (mt7915e): WTBL 544, wcid 0x3ff */
	WED_CHIP_MT7996,      /* MT7996/MT7992 (mt7996e): wcid frozen */
};

struct wed_config {
	u8 num;            /* WED blocks on the SoC; 0 = no WED (MT7621) */
	u8 version;        /* 1 MT7622, 2 MT7981/MT7986, 3 MT7988 */
	u8 rx;             /* WED RX offload: WLAN receive enters the PPE (v2+) */
	u8 wmac_radio;     /* wlan_radio index of the SoC's built-in WMAC, 0xff = none */
	u8 wmac_wed;       /* the WMAC's driver has WED hooks (false on MT7622: mt7615e) */
	u8 chip;           /* enum wed_wlan_chip */
	u8 wcid_bits;      /* width of the entry's WCID field: 8 (v1), 10 (v2), 16 (v3) */
	u8 wcid_in_entry;  /* the driver writes the station's wcid (else 0x3ff) */
	u16 wcid_max;      /* largest wcid the driver offloads (MT7915_WTBL_STA ...) */
};

/*
 * Defaults for a SoC name ("mt7622" ...): the WED blocks, their version, the usual Wi-Fi
 * chip on such boards.  Unknown SoCs and SoCs without WED get num = 0.  By convention the
 * SoC's built-in WMAC is wlan_radio 0 (hosts override wmac_radio otherwise).  Whether a
 * radio really uses WED is the device's wlan_wed flag (mt7915e/mt7996e wed_enable=Y).
 */
void wed_config_for_soc(struct wed_config *c, const char *soc);
/* Station limit of a chip: MT7915 268 (WTBL 288 - 1 - 19 interfaces), MT7916/MT798x 524. */
u16 wed_chip_wcid_max(u8 chip);

struct wed_block {
	u8 in_use;         /* a radio is attached */
	u8 radio;          /* its wlan_radio index */
	u8 active;         /* offload_enable was called (num_flows > 0) */
	u8 pad;
	u32 num_flows;
	u64 attach_count;  /* offload_enable calls */
};

struct wed {
	struct wed_config cfg;
	struct wed_block hw[WED_MAX];
	fs_event_fn ev;
	void *ev_arg;
	u64 misdelivered;  /* packets a stale entry delivered to where a station no longer is */
	u64 stale_entries; /* FS_EV_WED_STALE events */
};

/* What net_fill_forward_path (DEV_PATH_MTK_WDMA) gives the PPE for a station. */
struct wed_path {
	u8 wdma_idx;       /* WED/WDMA block */
	u8 queue;          /* band ring: 0 for the radio's primary band, 1 for the other */
	u8 bss;            /* vif index */
	u8 wcid_frozen;    /* the entry carries a real station index */
	u16 wcid;          /* as written into the entry (truncated to the field, or 0x3ff) */
	u16 pse_port;      /* PSE destination: 3 on NETSYS v1, WDMA0/1/2 = 8/9/13 on v2+ */
};

void wed_init(struct wed *w, const struct wed_config *c, fs_event_fn ev, void *ev_arg);

/* The WED block serving a WLAN device (assigning one on first use), or WED_NONE. */
int wed_index_for_dev(struct wed *w, const struct fs_netconf *nc, const struct fs_netdev *dev);

/*
 * net_fill_forward_path for a station wcid behind WLAN device dev: 0 and *p filled, or
 * -WED_ENODEV (no WED for this radio) / -WED_EIO (wcid above the driver's limit).
 */
int wed_fill_path(struct wed *w, const struct fs_netconf *nc, const struct fs_netdev *dev,
		  u16 wcid, struct wed_path *p);

/* mtk_wed_flow_add/remove: 0 or -WED_ENODEV.  Events on first/last flow. */
int wed_flow_add(struct wed *w, int index, u64 now);
void wed_flow_remove(struct wed *w, int index, u64 now);
u32 wed_num_flows(const struct wed *w, int index);

#endif /* FS_WED_H */
