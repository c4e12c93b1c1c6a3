/* SPDX-License-Identifier: MIT */
/*
 * selftest_fixture.h - the nft rulesets of the kernel selftest nft_flowtable.sh
 * (tools/testing/selftests/net/netfilter), shared by the tests that run or compare them:
 * test_selftest_flowtable.c (the selftest itself over the core), test_nft_json.c and
 * test_scenario_ruleset.c (the same rules read back from tests/data/nft-json/selftest*.json).
 *
 * String literals, so they concatenate at compile time: SELFTEST_RULESET is the three tables
 * as nsr1 has them once NAT and ingress DSCP marking are set up, the ruleset the JSON dumps
 * were listed from.  The texts must stay byte-for-byte what the dumps translate to.
 */
#ifndef FLOWSIM_TEST_SELFTEST_FIXTURE_H
#define FLOWSIM_TEST_SELFTEST_FIXTURE_H

/* nsr1's filter table: flowtable f1 on veth0/veth1, the routed_orig/routed_repl counters */
#define SELFTEST_FILTER_RULES \
	"table inet filter {\n" \
	"	flowtable f1 {\n" \
	"		hook ingress priority 0\n" \
	"		devices = { veth0, veth1 }\n" \
	"	}\n" \
	"	counter routed_orig { }\n" \
	"	counter routed_repl { }\n" \
	"	chain forward {\n" \
	"		type filter hook forward priority 0; policy drop;\n" \
	"		meta oif \"veth1\" tcp dport 12345 ct mark set 1 flow add @f1 counter name routed_orig accept\n" \
	"		ct mark 1 counter name ct direction map { original : routed_orig, reply : routed_repl } accept\n" \
	"		ct state established,related accept\n" \
	"		meta nfproto ipv4 meta l4proto icmp accept\n" \
	"		meta nfproto ipv6 meta l4proto icmpv6 accept\n" \
	"	}\n" \
	"}\n"

/* the selftest's NAT cases: DNAT 10.6.6.6:1666 to ns2, masquerade towards veth1 */
#define SELFTEST_NAT_RULES \
	"table ip nat {\n" \
	"	chain prerouting {\n" \
	"		type nat hook prerouting priority 0; policy accept;\n" \
	"		meta iif \"veth0\" ip daddr 10.6.6.6 tcp dport 1666 counter dnat ip to 10.0.2.99:12345\n" \
	"	}\n" \
	"	chain postrouting {\n" \
	"		type nat hook postrouting priority 0; policy accept;\n" \
	"		meta oifname \"veth1\" counter masquerade\n" \
	"	}\n" \
	"}\n"

/* DSCP marking on veth0's ingress hook (the selftest's dscp_ingress) */
#define SELFTEST_DSCP_INGRESS_RULES \
	"table netdev dscpmangle {\n" \
	"	chain setdscp0 {\n" \
	"		type filter hook ingress device \"veth0\" priority 0\n" \
	"		ip dscp set cs3\n" \
	"	}\n" \
	"}\n"

/* DSCP marking on veth1's egress hook (the selftest's dscp_egress) */
#define SELFTEST_DSCP_EGRESS_RULES \
	"table netdev dscpmangle {\n" \
	"	chain setdscp0 {\n" \
	"		type filter hook egress device \"veth1\" priority 0\n" \
	"		ip dscp set cs3\n" \
	"	}\n" \
	"}\n"

#define SELFTEST_RULESET SELFTEST_FILTER_RULES SELFTEST_NAT_RULES SELFTEST_DSCP_INGRESS_RULES

#endif
