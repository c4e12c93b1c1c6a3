// SPDX-License-Identifier: MIT
/*
 * soc_profile_model.c - what a loaded SoC profile gives the model: the PPE configuration
 * (the model's kernel-dependent switches from ppe_config_for_soc(), then the profile's
 * facts: table geometry, aging, bind rate, WED blocks) and nf_conntrack's automatic table
 * size for the SoC's RAM.
 *
 * Invariant: nothing here reads files or scales cycles; it only maps profile fields onto
 * the model's structures.
 */
#include "soc_profile.h"

#include "wed.h"

int soc_profile_ppe_config(const struct soc_profile *p, uint16_t kernel,
			   struct ppe_config *cfg)
{
	if (!p->ppe.present)
		return -1;
	/* the model's kernel-dependent switches for this PPE ... */
	if (ppe_config_for_soc(cfg, p->ppe.model, kernel))
		return -1;
	/* ... and the profile's facts */
	cfg->offload_version = p->ppe.offload_version;
	cfg->ways = p->ppe.ways;
	cfg->entries = kernel >= 611 ? p->ppe.entries_6_11 : p->ppe.entries;
	/* PPEs in use: all of them with GMAC steering (>= 6.11), else as the driver had it */
	if (cfg->gmac_steering)
		cfg->num_ppe = p->ppe.instances;
	else if (cfg->num_ppe > p->ppe.instances)
		cfg->num_ppe = p->ppe.instances;
	cfg->accounting = cfg->accounting && p->ppe.accounting;
	cfg->reserved_slots = p->ppe.n_reserved > 0;
	cfg->bind_rate = p->ppe.bind_rate;
	cfg->unbind_min_packets = p->ppe.unbind_min_packets;
	cfg->age_unbind = p->ppe.age_unbind;
	cfg->age_tcp = p->ppe.age_tcp;
	cfg->age_udp = p->ppe.age_udp;
	cfg->age_fin = p->ppe.age_fin;
	cfg->age_non_l4 = p->ppe.age_non_l4;
	cfg->wed.num = p->wed.blocks;
	cfg->wed.version = p->wed.version;
	cfg->wed.rx = p->wed.rx;
	cfg->wed.wmac_radio = p->wed.wmac_radio;
	cfg->wed.wmac_wed = p->wed.wmac_wed;
	cfg->wed.chip = p->wed.chip;
	if (p->wed.blocks) {
		/* mtk_foe_entry_set_wdma: v1 8-bit, v2 10-bit, v3 16-bit WCID field */
		cfg->wed.wcid_bits = p->wed.version == 1 ? 8 : p->wed.version == 2 ? 10 : 16;
		cfg->wed.wcid_in_entry = p->wed.chip == WED_CHIP_MT7915 ||
					 p->wed.chip == WED_CHIP_MT7996;
		cfg->wed.wcid_max = wed_chip_wcid_max(p->wed.chip);
	} else {
		cfg->wed.wcid_bits = 0;
		cfg->wed.wcid_in_entry = 0;
		cfg->wed.wcid_max = 0;
	}
	return 0;
}

void soc_conntrack_size(uint64_t ram, uint8_t bits, uint16_t kernel, bool openwrt,
			uint32_t *buckets, uint32_t *max)
{
	uint64_t ptr = bits == 64 ? 8 : 4;
	uint64_t gib = 1ULL << 30;
	uint64_t b;

	if (kernel >= 515) {
		/* "netfilter: conntrack: sanitize table size default settings" */
		b = ram / (openwrt && kernel >= 606 ? 2048 : 16384) / ptr;
		if (bits == 64 && ram > 4 * gib)
			b = 262144;
		else if (ram > gib)
			b = 65536;
		if (b < 1024)
			b = 1024;
		*buckets = (uint32_t)b;
		*max = (uint32_t)b;
		return;
	}
	b = ram / 16384 / ptr;
	if (ram > 4 * gib)
		b = 65536;
	else if (ram > gib)
		b = 16384;
	if (b < 32)
		b = 32;
	*buckets = (uint32_t)b;
	*max = (uint32_t)(4 * b);
}
