// SPDX-License-Identifier: MIT
/*
 * wed.c - WED blocks: per-SoC availability, radio assignment, the Wi-Fi driver's forward
 * path answer for a station, and the per-block flow count with attach/detach events.
 *
 * Sources (spec mediatek-ppe-wed.md §5): mtk_wed.c (hw_list[3], mtk_wed_assign,
 * mtk_wed_flow_add/remove), mt76 mt7915/main.c mt7915_net_fill_forward_path (-ENODEV when
 * WED is inactive, -EIO when wcid > MT7915_WTBL_STA, wcid 0x3ff on non-MT7915 chips,
 * queue = "phy != &dev->phy"), mt7996/main.c (wcid written, queue 0), mtk_ppe.c
 * mtk_foe_entry_set_wdma (WCID field width per NETSYS version).
 *
 * Invariants: a block serves at most one radio and a radio at most one block; num_flows
 * counts the PPE software flows that named the block; events fire on 0 -> 1 and 1 -> 0.
 */
#include "wed.h"

struct wed_soc {
	const char *name;
	u8 num;
	u8 version;
	u8 rx;
	u8 wmac_radio;
	u8 wmac_wed;
	u8 chip;
};

/*
 * WED blocks from the device trees (spec 5.2).  MT7622 boards pair the SoC's own 2.4 GHz
 * WMAC (mt7615e, no WED hooks) with a PCIe MT7915; MT7981/MT7986 use their built-in WMAC
 * through mt7915e; MT7988 boards carry MT7996/MT7992 cards (mt7996e) and have no WMAC.
 */
static const struct wed_soc wed_socs[] = {
	{ "mt7622", 2, 1, 0, 0, 0, WED_CHIP_MT7915 },
	{ "mt7981", 1, 2, 1, 0, 1, WED_CHIP_MT798X_WMAC },
	{ "mt7986", 2, 2, 1, 0, 1, WED_CHIP_MT798X_WMAC },
	{ "mt7988", 3, 3, 1, 0xff, 0, WED_CHIP_MT7996 },
};

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool soc_name_equal(const char *a, const char *b)
{
	u32 i;

	for (i = 0; i < 32; i++) {
		if (lower(a[i]) != lower(b[i]))
			return false;
		if (!a[i])
			return true;
	}
	return false;
}

u16 wed_chip_wcid_max(u8 chip)
{
	switch (chip) {
	case WED_CHIP_MT7915:
		return 268;  /* MT7915_WTBL_STA: WTBL 288 - 1 - MT7915_MAX_INTERFACES (19) */
	case WED_CHIP_MT7916:
	case WED_CHIP_MT798X_WMAC:
		return 524;  /* WTBL 544 - 1 - 19 */
	case WED_CHIP_MT7996:
		/* MT7996_WTBL_STA is not pinned down in the spec; the mt7915e value is used */
		return 524;
	default:
		return 0;
	}
}

void wed_config_for_soc(struct wed_config *c, const char *soc)
{
	u32 i;

	fs_memset(c, 0, sizeof(*c));
	c->wmac_radio = 0xff;
	if (!soc)
		return;
	for (i = 0; i < FS_ARRAY_SIZE(wed_socs); i++) {
		const struct wed_soc *s = &wed_socs[i];

		if (!soc_name_equal(soc, s->name))
			continue;
		c->num = s->num;
		c->version = s->version;
		c->rx = s->rx;
		c->wmac_radio = s->wmac_radio;
		c->wmac_wed = s->wmac_wed;
		c->chip = s->chip;
		/* mtk_foe_entry_set_wdma: v1 vlan2 WCID 13:6, v2 winfo WCID 15:6, v3 w3info 15:0 */
		c->wcid_bits = s->version == 1 ? 8 : s->version == 2 ? 10 : 16;
		c->wcid_in_entry = s->chip == WED_CHIP_MT7915 || s->chip == WED_CHIP_MT7996;
		c->wcid_max = wed_chip_wcid_max(s->chip);
		return;
	}
}

void wed_init(struct wed *w, const struct wed_config *c, fs_event_fn ev, void *ev_arg)
{
	fs_memset(w, 0, sizeof(*w));
	w->cfg = *c;
	if (w->cfg.num > WED_MAX)
		w->cfg.num = WED_MAX;
	w->ev = ev;
	w->ev_arg = ev_arg;
}

/* A radio can use WED: the block exists, the device asked for it, the driver has hooks. */
static bool radio_capable(const struct wed *w, const struct fs_netdev *dev)
{
	if (!w->cfg.num || dev->kind != FS_NETDEV_WLAN || !dev->wlan_wed)
		return false;
	if (dev->wlan_radio == w->cfg.wmac_radio && !w->cfg.wmac_wed)
		return false;
	return true;
}

static int block_of_radio(const struct wed *w, u8 radio)
{
	u32 i;

	for (i = 0; i < w->cfg.num; i++)
		if (w->hw[i].in_use && w->hw[i].radio == radio)
			return (int)i;
	return WED_NONE;
}

/*
 * Blocks are handed to radios at probe time in the order the Wi-Fi devices come up; the
 * model takes device (ifindex) order, which is the order a scenario lists them.  A later
 * radio finds every block taken and runs without WED (mt76 issue #1057: a tri-band router
 * gets WED on one radio only when the SoC has one block).
 */
static void assign_blocks(struct wed *w, const struct fs_netconf *nc)
{
	u32 i, b;

	for (i = 1; i < FS_NETDEV_MAX; i++) {
		const struct fs_netdev *d = &nc->dev[i];

		if (!d->ifindex || !radio_capable(w, d))
			continue;
		if (block_of_radio(w, d->wlan_radio) != WED_NONE)
			continue;
		for (b = 0; b < w->cfg.num; b++) {
			if (!w->hw[b].in_use) {
				w->hw[b].in_use = 1;
				w->hw[b].radio = d->wlan_radio;
				break;
			}
		}
	}
}

int wed_index_for_dev(struct wed *w, const struct fs_netconf *nc, const struct fs_netdev *dev)
{
	int idx;

	if (!dev || !radio_capable(w, dev))
		return WED_NONE;
	idx = block_of_radio(w, dev->wlan_radio);
	if (idx != WED_NONE)
		return idx;
	assign_blocks(w, nc);
	return block_of_radio(w, dev->wlan_radio);
}

/* The radio's primary band: the lowest band among its devices ("&dev->phy" in mt7915). */
static u8 primary_band(const struct fs_netconf *nc, u8 radio)
{
	u8 band = 0xff;
	u32 i;

	for (i = 1; i < FS_NETDEV_MAX; i++) {
		const struct fs_netdev *d = &nc->dev[i];

		if (d->ifindex && d->kind == FS_NETDEV_WLAN && d->wlan_radio == radio &&
		    d->wlan_band < band)
			band = d->wlan_band;
	}
	return band;
}

int wed_fill_path(struct wed *w, const struct fs_netconf *nc, const struct fs_netdev *dev,
		  u16 wcid, struct wed_path *p)
{
	int idx = wed_index_for_dev(w, nc, dev);
	u32 field_max;

	fs_memset(p, 0, sizeof(*p));
	if (idx == WED_NONE)
		return -WED_ENODEV;     /* !mtk_wed_device_active(wed) */
	if (wcid > w->cfg.wcid_max)
		return -WED_EIO;        /* wcid.idx > MT7915_WTBL_STA */
	p->wdma_idx = (u8)idx;
	p->bss = dev->wlan_bss;
	if (w->cfg.chip == WED_CHIP_MT7996)
		p->queue = 0;
	else
		p->queue = dev->wlan_band != primary_band(nc, dev->wlan_radio);
	field_max = w->cfg.wcid_bits >= 16 ? 0xffff : (1u << w->cfg.wcid_bits) - 1;
	if (w->cfg.wcid_in_entry) {
		/*
		 * FIELD_PREP() masks the value: on NETSYS v1 the 8-bit field silently keeps the
		 * low byte of a wcid above 255 (MT7915 allows up to 268), so such an entry names
		 * another station (spec 5.3: no explicit clamp in the code).
		 */
		p->wcid = (u16)(wcid & field_max);
		p->wcid_frozen = 1;
	} else {
		p->wcid = (u16)(0x3ff & field_max);
		p->wcid_frozen = 0;
	}
	if (w->cfg.version <= 1)
		p->pse_port = 3;        /* mtk_flow_set_output_device: WDMA on NETSYS v1 */
	else
		p->pse_port = idx == 0 ? 8 : idx == 1 ? 9 : 13; /* PSE_WDMA0/1/2_PORT */
	return 0;
}

static void wed_event(struct wed *w, enum fs_event_type type, int index, u64 now)
{
	struct fs_event ev;

	if (!w->ev)
		return;
	fs_memset(&ev, 0, sizeof(ev));
	ev.time = now;
	ev.type = type;
	ev.detail = (u32)index;
	ev.aux = w->hw[index].radio;
	w->ev(w->ev_arg, &ev);
}

int wed_flow_add(struct wed *w, int index, u64 now)
{
	struct wed_block *hw;

	if (index < 0 || index >= w->cfg.num || !w->hw[index].in_use)
		return -WED_ENODEV;
	hw = &w->hw[index];
	if (hw->num_flows++ == 0) {
		/* the first flow calls wlan.offload_enable (mt76 shrinks its host token pool) */
		hw->active = 1;
		hw->attach_count++;
		wed_event(w, FS_EV_WED_ATTACH, index, now);
	}
	return 0;
}

void wed_flow_remove(struct wed *w, int index, u64 now)
{
	struct wed_block *hw;

	if (index < 0 || index >= w->cfg.num || !w->hw[index].in_use)
		return;
	hw = &w->hw[index];
	if (!hw->num_flows)
		return;
	if (--hw->num_flows == 0) {
		hw->active = 0;         /* wlan.offload_disable */
		wed_event(w, FS_EV_WED_DETACH, index, now);
	}
}

u32 wed_num_flows(const struct wed *w, int index)
{
	if (index < 0 || index >= w->cfg.num)
		return 0;
	return w->hw[index].num_flows;
}
