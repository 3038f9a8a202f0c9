// SPDX-License-Identifier: GPL-2.0
/*
 * The "lkvm run" command line: kvmtool's names, and a clear error for
 * each mistake. The devices' options are test-options-dev.c's.
 */
#include <string.h>

#include "lib/log.h"
#include "cli/options-mem.h"
#include "tests/test-options.h"

static char err[OPTIONS_ERR_MAX];

static void test_kvmtool_names(struct unit *u)
{
	struct vm_config c;

	CHECK_EQ(u, PARSE(&c, "-k", "Image", "-i", "rd", "-p", "quiet", "-c", "4",
			  "-m", "512", "--irqchip=gicv2", "--name", "g1",
			  "--dump-dtb", "x.dtb", "--nodefaults",
			  "--network", "mode=none", "--loglevel", "info"), 0);
	CHECK(u, !strcmp(c.kernel_path, "Image"));
	CHECK(u, !strcmp(c.initrd_path, "rd"));
	CHECK(u, !strcmp(c.params, "quiet"));
	CHECK(u, !strcmp(c.name, "g1"));
	CHECK(u, !strcmp(c.dump_dtb_path, "x.dtb"));
	CHECK_EQ(u, c.nr_cpus, 4);
	CHECK_EQ(u, c.ram_size, 512ULL << 20);
	CHECK_EQ(u, c.irqchip, IRQCHIP_GICV2);
	CHECK(u, c.nodefaults);
	CHECK_EQ(u, c.loglevel, LOG_INFO);

	CHECK_EQ(u, PARSE(&c, "--kernel=Image", "--cpus=2", "--mem=1G", "-v"), 0);
	CHECK_EQ(u, c.nr_cpus, 2);
	CHECK_EQ(u, c.ram_size, 1ULL << 30);
	CHECK_EQ(u, c.irqchip, IRQCHIP_AUTO);
	CHECK_EQ(u, c.loglevel, LOG_INFO);
	CHECK(u, !c.nodefaults);

	/* Attached short values and a positional kernel, as kvmtool takes them. */
	CHECK_EQ(u, PARSE(&c, "-c2", "-m256", "Image"), 0);
	CHECK_EQ(u, c.nr_cpus, 2);
	CHECK_EQ(u, c.ram_size, 256ULL << 20);
	CHECK(u, !strcmp(c.kernel_path, "Image"));
	CHECK_EQ(u, PARSE(&c, "-k", "Image", "--help"), 1);
}

/* Each mistake fails with a message naming the option and the fix. */
static void test_errors(struct unit *u)
{
	struct vm_config c;

	CHECK_EQ(u, PARSE(&c, "-p", "x"), -22);
	CHECK(u, strstr(err, "no kernel") && strstr(err, "-k"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-c", "0"), -22);
	CHECK(u, strstr(err, "out of range"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-c", "two"), -22);
	CHECK(u, strstr(err, "not a number"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-c", "-1"), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m", "0"), -22);
	CHECK(u, strstr(err, "too small"));
	/* Below LOADER_RAM_MIN kernel and device tree cannot both fit. */
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m", "2"), -22);
	CHECK(u, strstr(err, "at least 3 MiB") && strstr(err, "-m 3"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m", "3071K"), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m", "3"), 0);
	CHECK_EQ(u, c.ram_size, 3ULL << 20);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m", "-5"), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m", "lots"), -22);
	CHECK(u, strstr(err, "not a size"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m", "99999999999"), -22);
	CHECK(u, strstr(err, "larger"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m", "18446744073709551615G"), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--bogus"), -22);
	CHECK(u, strstr(err, "unknown option '--bogus'"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-Z"), -22);
	CHECK_EQ(u, PARSE(&c, "-k"), -22);
	CHECK(u, strstr(err, "needs a value"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--nodefaults=1"), -22);
	CHECK(u, strstr(err, "takes no value"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--irqchip=gicv4"), -22);
	CHECK(u, strstr(err, "auto, gicv2, gicv2m, gicv3, gicv3-its or user"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--irqchip=gicv3-its"), 0);
	CHECK_EQ(u, c.irqchip, IRQCHIP_GICV3_ITS);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--loglevel=loud"), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--network", "mode=tap,hostfwd=tcp:1:2"), -22);
	CHECK(u, strstr(err, "only for mode=user"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "J"), -22);
	CHECK(u, strstr(err, "already"));
	CHECK_EQ(u, PARSE(&c, "-k", ""), -22);
}

/* Options that parse alone but not together. */
static void test_conflicts(struct unit *u)
{
	struct vm_config c;

	CHECK_EQ(u, PARSE(&c, "-k", "I", "-k", "J"), -22);
	CHECK(u, strstr(err, "given twice") && strstr(err, "give one kernel"));
	CHECK_EQ(u, PARSE(&c, "J", "-k", "I"), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-i", "r", "--initrd=s"), -22);
	CHECK(u, strstr(err, "give one initrd"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-k", "I"), 0);	/* the same file twice is harmless */
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-c", "9", "--irqchip=gicv2"), -22);
	CHECK(u, strstr(err, "conflicts with --irqchip=gicv2") && strstr(err, "-c 8"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--irqchip=user", "-c", "9"), -22);
	CHECK(u, strstr(err, "conflicts with --irqchip=user"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-c", "9", "--irqchip=gicv2m"), -22);
	CHECK(u, strstr(err, "conflicts with --irqchip=gicv2m") && strstr(err, "-c 8"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-c", "8", "--irqchip=gicv2m"), 0);
	CHECK_EQ(u, c.irqchip, IRQCHIP_GICV2M);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-c", "8", "--irqchip=user"), 0);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-c", "9", "--irqchip=gicv3"), 0);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-c", "9"), 0);	/* auto: the host decides */
}

/* --pmu is a flag, off unless given, as kvmtool's. */
static void test_pmu(struct unit *u)
{
	struct vm_config c;

	CHECK_EQ(u, PARSE(&c, "-k", "I"), 0);
	CHECK(u, !c.pmu);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--pmu"), 0);
	CHECK(u, c.pmu);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--pmu", "--irqchip=user"), 0);
	CHECK(u, c.pmu && c.irqchip == IRQCHIP_USER);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--pmu=on"), -22);
	CHECK(u, strstr(err, "--pmu takes no value"));
}

/*
 * The CPU features: SVE, MTE and stolen time are on by default (the
 * host decides), so their options only limit or turn them off; AArch32
 * and EL2 are asked for. kvmtool's names and forms.
 */
static void test_cpu_features(struct unit *u)
{
	struct vm_config c;

	CHECK_EQ(u, PARSE(&c, "-k", "I"), 0);
	CHECK(u, !c.sve_max_vl && !c.no_mte && !c.no_pvtime && !c.aarch32 && !c.nested);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--sve-max-vl", "256", "--disable-mte",
			  "--no-pvtime"), 0);
	CHECK(u, c.sve_max_vl == 256 && c.no_mte && c.no_pvtime);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--sve-max-vl=128"), 0);
	CHECK_EQ(u, c.sve_max_vl, 128);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--sve-max-vl=2048", "--sve-max-vl=512"), 0);
	CHECK_EQ(u, c.sve_max_vl, 512);		/* the last one wins */
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--aarch32", "-m", "2048"), 0);
	CHECK(u, c.aarch32 && !c.nested);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--nested", "--pmu"), 0);
	CHECK(u, c.nested && c.pmu && !c.aarch32);

	/* Bad lengths: not a number, not a power of two, outside 128..2048. */
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--sve-max-vl", "big"), -22);
	CHECK(u, strstr(err, "--sve-max-vl 'big' is not a number"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--sve-max-vl", "384"), -22);
	CHECK(u, strstr(err, "not an SVE vector length") &&
	      strstr(err, "power of two from 128 to 2048"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--sve-max-vl", "64"), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--sve-max-vl", "4096"), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--sve-max-vl", "0"), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--sve-max-vl", "-256"), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--sve-max-vl=256bits"), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--sve-max-vl"), -22);
	CHECK(u, strstr(err, "needs a value"));

	/* Flags take no value. */
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--disable-mte=yes"), -22);
	CHECK(u, strstr(err, "--disable-mte takes no value"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--no-pvtime=1"), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--aarch32=on"), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--nested=1"), -22);

	/* What cannot work together. */
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--aarch32", "--nested"), -22);
	CHECK(u, strstr(err, "--aarch32 conflicts with --nested"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m", "3G", "--aarch32"), -22);
	CHECK(u, strstr(err, "conflicts with --aarch32") && strstr(err, "-m 2048 or less"));
}

/* On unless asked otherwise; only on and off are settings. */
static void test_sandbox(struct unit *u)
{
	struct vm_config c;

	CHECK_EQ(u, PARSE(&c, "-k", "I"), 0);
	CHECK(u, !c.sandbox_off);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--sandbox=off"), 0);
	CHECK(u, c.sandbox_off);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--sandbox=off", "--sandbox", "on"), 0);
	CHECK(u, !c.sandbox_off);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--sandbox=maybe"), -22);
	CHECK(u, strstr(err, "--sandbox=maybe") && strstr(err, "use on or off"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--sandbox"), -22);
	CHECK(u, strstr(err, "needs a value"));
}

static void test_sizes(struct unit *u)
{
	unsigned long long b;

	CHECK(u, !options_parse_size("64", &b) && b == 64ULL << 20);
	CHECK(u, !options_parse_size("64M", &b) && b == 64ULL << 20);
	CHECK(u, !options_parse_size("2G", &b) && b == 2ULL << 30);
	CHECK(u, !options_parse_size("512MB", &b) && b == 512ULL << 20);
	CHECK(u, !options_parse_size("4096K", &b) && b == 4ULL << 20);
	CHECK(u, options_parse_size("", &b));
	CHECK(u, options_parse_size("1X", &b));
	CHECK(u, options_parse_size("1GG", &b));
	CHECK(u, options_parse_size(" 1", &b));
	/* kvmtool's units: B for bytes, P; "2BB" is not a size. */
	CHECK(u, !options_parse_size("4096B", &b) && b == 4096);
	CHECK(u, !options_parse_size("1P", &b) && b == 1ULL << 50);
	CHECK(u, !options_parse_size("1pb", &b) && b == 1ULL << 50);
	CHECK(u, options_parse_size("2BB", &b));
}

/* -m SIZE@ADDR: kvmtool's syntax, MiB by default on both sides. */
static void test_mem_base(struct unit *u)
{
	struct vm_config c;

	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m", "512"), 0);
	CHECK_EQ(u, c.ram_base, 0);	/* the default, MEMMAP_RAM_BASE */
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m", "512@3G"), 0);
	CHECK_EQ(u, c.ram_size, 512ULL << 20);
	CHECK_EQ(u, c.ram_base, 3ULL << 30);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--mem=1G@3072"), 0);
	CHECK_EQ(u, c.ram_size, 1ULL << 30);
	CHECK_EQ(u, c.ram_base, 3ULL << 30);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m64@2147483648B"), 0);
	CHECK_EQ(u, c.ram_base, 2ULL << 30);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m", "64@2050"), 0);	/* 2 MiB aligned */
	CHECK_EQ(u, c.ram_base, 2050ULL << 20);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m", "64@1T"), 0);
	CHECK_EQ(u, c.ram_base, 1ULL << 40);

	/* Below 2 GiB are the devices. */
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m", "512@1G"), -22);
	CHECK(u, strstr(err, "overlap the devices") && strstr(err, "-m 512@2G"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m", "512@0"), -22);
	CHECK(u, strstr(err, "overlap the devices"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m", "512@2047"), -22);
	/* The kernel needs a 2 MiB aligned base: the fix rounds up. */
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m", "512@2049"), -22);
	CHECK(u, strstr(err, "not 2 MiB aligned") && strstr(err, "-m 512@2050M"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m", "512@2097156K"), -22);
	CHECK(u, strstr(err, "0x80001000"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m", "512@2147483649B"), -22);
	/* Beyond 52 bits, and the sum that would wrap. */
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m", "512@4P"), -22);
	CHECK(u, strstr(err, "52 bits"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m", "1@16383P"), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m", "4T@4095T"), -22);
	CHECK(u, strstr(err, "lower base or less RAM"));
	/* Garbage after '@', or none. */
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m", "512@"), -22);
	CHECK(u, strstr(err, "no address after '@'") && strstr(err, "-m 512@3G"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m", "512@3Gx"), -22);
	CHECK(u, strstr(err, "'3Gx' is not an address"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m", "512@0x80000000"), -22);
	CHECK(u, strstr(err, "not an address") && strstr(err, "decimal"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m", "512@3G@4G"), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m", "512@-3G"), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m", "@3G"), -22);
	CHECK(u, strstr(err, "not a size"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m", "1@3G"), -22);
	CHECK(u, strstr(err, "too small"));
	/* An AArch32 guest's RAM ends below 4 GiB, wherever it starts. */
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--aarch32", "-m", "512@3G"), 0);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--aarch32", "-m", "1536@3G"), -22);
	CHECK(u, strstr(err, "conflicts with --aarch32") && strstr(err, "-m 1024 or less"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "-m", "512@4G", "--aarch32"), -22);
	CHECK(u, strstr(err, "conflicts with --aarch32") && strstr(err, "lower base"));
}

static void test_hugetlbfs(struct unit *u)
{
	struct vm_config c;

	CHECK_EQ(u, PARSE(&c, "-k", "I", "--hugetlbfs", "/dev/hugepages"), 0);
	CHECK(u, c.hugetlbfs && !strcmp(c.hugetlbfs, "/dev/hugepages"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--hugetlbfs=/mnt/huge", "-m", "512@3G"), 0);
	CHECK(u, !strcmp(c.hugetlbfs, "/mnt/huge"));
	CHECK_EQ(u, PARSE(&c, "-k", "I"), 0);
	CHECK(u, !c.hugetlbfs);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--hugetlbfs="), -22);
	CHECK(u, strstr(err, "--hugetlbfs needs a directory"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--hugetlbfs"), -22);
	CHECK(u, strstr(err, "needs a value"));
}

/*
 * kvmtool's -f FILE and --firmware-address ADDR (strtoull base 0, 0
 * meaning RAM's start): the firmware replaces the kernel, -k and -i
 * still parse (lkvm warns when it loads the firmware), the address
 * must be an instruction's and needs a firmware.
 */
static void test_firmware(struct unit *u)
{
	unsigned long long a;
	struct vm_config c;

	CHECK_EQ(u, PARSE(&c, "-f", "fw.bin"), 0);
	CHECK(u, !strcmp(c.firmware_path, "fw.bin") && !c.kernel_path);
	CHECK(u, !c.has_firmware_addr && !c.firmware_addr);
	CHECK_EQ(u, PARSE(&c, "--firmware=fw.bin", "--firmware-address", "0x80200000"), 0);
	CHECK(u, c.has_firmware_addr && c.firmware_addr == 0x80200000);
	CHECK_EQ(u, PARSE(&c, "-f", "fw", "--firmware-address=2149580800"), 0);
	CHECK_EQ(u, c.firmware_addr, 0x80200000);
	CHECK_EQ(u, PARSE(&c, "-f", "fw", "-k", "I", "-i", "r"), 0);
	CHECK(u, !strcmp(c.kernel_path, "I") && !strcmp(c.initrd_path, "r"));
	CHECK_EQ(u, PARSE(&c, "-f", "fw", "-f", "other"), -22);
	CHECK(u, strstr(err, "given twice") && strstr(err, "give one firmware"));
	CHECK_EQ(u, PARSE(&c, "-f", ""), -22);
	CHECK(u, strstr(err, "firmware file name is empty"));
	CHECK_EQ(u, PARSE(&c, "-f", "fw", "--firmware-address", "0x80000002"), -22);
	CHECK(u, strstr(err, "not 4-byte aligned") && strstr(err, "0x80000000"));
	CHECK_EQ(u, PARSE(&c, "-f", "fw", "--firmware-address", "0x8000zz"), -22);
	CHECK(u, strstr(err, "is not an address"));
	CHECK_EQ(u, PARSE(&c, "-f", "fw", "--firmware-address", "-1"), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--firmware-address", "0x80000000"), -22);
	CHECK(u, strstr(err, "without -f/--firmware"));

	CHECK(u, !options_parse_addr("0x80000000", &a) && a == 0x80000000ULL);
	CHECK(u, !options_parse_addr("4096", &a) && a == 4096);
	CHECK(u, !options_parse_addr("010", &a) && a == 8);	/* as strtoull base 0 */
	CHECK(u, !options_parse_addr("0", &a) && a == 0);
	CHECK(u, options_parse_addr("", &a));
	CHECK(u, options_parse_addr(" 1", &a));
	CHECK(u, options_parse_addr("+1", &a));
	CHECK(u, options_parse_addr("0x", &a));
	CHECK(u, options_parse_addr("1M", &a));
	CHECK(u, options_parse_addr("0x10000000000000000", &a));
}

/* kvmtool's --vcpu-affinity CPULIST and --kaslr-seed N. */
static void test_vcpu_affinity(struct unit *u)
{
	struct vm_config c;

	CHECK_EQ(u, PARSE(&c, "-k", "I"), 0);
	CHECK(u, !c.has_vcpu_affinity && c.kaslr_seed == 0);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--vcpu-affinity", "0"), 0);
	CHECK(u, c.has_vcpu_affinity && CPU_COUNT(&c.vcpu_affinity) == 1 &&
	      CPU_ISSET(0, &c.vcpu_affinity));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--vcpu-affinity=0-3,6,8-9"), 0);
	CHECK_EQ(u, CPU_COUNT(&c.vcpu_affinity), 7);
	CHECK(u, CPU_ISSET(3, &c.vcpu_affinity) && CPU_ISSET(6, &c.vcpu_affinity) &&
	      !CPU_ISSET(5, &c.vcpu_affinity) && CPU_ISSET(9, &c.vcpu_affinity));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--vcpu-affinity", "1023"), 0);
	CHECK(u, CPU_ISSET(1023, &c.vcpu_affinity));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--vcpu-affinity", "1024"), -22);
	CHECK(u, strstr(err, "too large"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--vcpu-affinity", "3-1"), -22);
	CHECK(u, strstr(err, "is not a CPU list"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--vcpu-affinity", "0,"), -22);
	CHECK(u, strstr(err, "ends with ','"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--vcpu-affinity", ""), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--vcpu-affinity", "a"), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--vcpu-affinity", "1-"), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--vcpu-affinity", "-1"), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--vcpu-affinity", "1,,2"), -22);

	CHECK_EQ(u, PARSE(&c, "-k", "I", "--kaslr-seed", "12345"), 0);
	CHECK_EQ(u, c.kaslr_seed, 12345);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--kaslr-seed=0xfeedfacecafe0001"), 0);
	CHECK(u, c.kaslr_seed == 0xfeedfacecafe0001ULL);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--kaslr-seed", "18446744073709551615"), 0);
	CHECK(u, c.kaslr_seed == ~0ULL);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--kaslr-seed", "18446744073709551616"), -22);
	CHECK(u, strstr(err, "not a 64-bit number"));
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--kaslr-seed", "-1"), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--kaslr-seed", "12x"), -22);
	CHECK_EQ(u, PARSE(&c, "-k", "I", "--kaslr-seed", ""), -22);
}

/* --restore: the snapshot's run's options, with only a few allowed to change. */
static void test_restore(struct unit *u)
{
	char *saved[] = { "run", "-k", "I", "-c", "2", "-m", "256", "--name", "a", NULL };
	struct vm_config c;

	CHECK_EQ(u, PARSE(&c, "--restore", "F"), 0);
	CHECK(u, c.restore_path && !strcmp(c.restore_path, "F") && !c.kernel_path);
	CHECK_EQ(u, PARSE(&c, "--restore", ""), -22);
	CHECK(u, strstr(err, "snapshot file name is empty"));
	CHECK_EQ(u, PARSE(&c, "--restore", "F", "-k", "I"), -22);
	CHECK(u, strstr(err, "leave out -k"));
	/* Allowed: the name, the log level; the same -c as saved. */
	CHECK_EQ(u, options_restore_merge(&c, ARGC("--restore", "F", "--name", "b", "-v", "-c", "2"),
					  ARGV("--restore", "F", "--name", "b", "-v", "-c", "2"),
					  9, saved, err, sizeof(err)), 0);
	CHECK(u, c.nr_cpus == 2 && c.ram_size == 256ULL << 20 && !strcmp(c.name, "b"));
	CHECK(u, !strcmp(c.kernel_path, "I") && !strcmp(c.restore_path, "F"));
	CHECK(u, c.argv == saved && c.argc == 9);
	/* Refused: another -c, -m, a disk; a kernel argument. */
	PARSE(&c, "--restore", "F");
	CHECK_EQ(u, options_restore_merge(&c, ARGC("--restore", "F", "-c", "4"),
					  ARGV("--restore", "F", "-c", "4"), 9, saved, err, sizeof(err)), -22);
	CHECK(u, strstr(err, "-c/--cpus 4 differs from the snapshot's run"));
	CHECK_EQ(u, options_restore_merge(&c, ARGC("--restore", "F", "-m", "128"),
					  ARGV("--restore", "F", "-m", "128"), 9, saved, err, sizeof(err)), -22);
	CHECK(u, strstr(err, "-m/--mem 128 differs"));
	CHECK_EQ(u, options_restore_merge(&c, ARGC("--restore", "F", "--rng"),
					  ARGV("--restore", "F", "--rng"), 9, saved, err, sizeof(err)), -22);
	CHECK(u, strstr(err, "--rng differs"));
	/* --irqchip may change: the restore checks the GIC against the file. */
	PARSE(&c, "--restore", "F");
	CHECK_EQ(u, options_restore_merge(&c, ARGC("--restore", "F", "--irqchip=user"),
					  ARGV("--restore", "F", "--irqchip=user"), 9, saved,
					  err, sizeof(err)), 0);
	CHECK(u, c.irqchip == IRQCHIP_USER && c.nr_cpus == 2);
	PARSE(&c, "--restore", "F");
	CHECK_EQ(u, options_restore_merge(&c, ARGC("--restore", "F", "--irqchip=gicv4"),
					  ARGV("--restore", "F", "--irqchip=gicv4"), 9, saved,
					  err, sizeof(err)), -22);
	CHECK_EQ(u, options_restore_merge(&c, ARGC("--restore", "F", "Image"),
					  ARGV("--restore", "F", "Image"), 9, saved, err, sizeof(err)), -22);
	/* A saved run that no longer parses is an error, not a crash. */
	saved[4] = "0";
	CHECK_EQ(u, options_restore_merge(&c, ARGC("--restore", "F"), ARGV("--restore", "F"),
					  9, saved, err, sizeof(err)), -22);
}

/*
 * --restore and the network: -n may be repeated word for word (its
 * forwards come back), another -n is refused, as is one a run with the
 * default NIC never had.
 */
static void test_restore_net(struct unit *u)
{
	char *saved[] = { "run", "-k", "I", "-n", "mode=user,hostfwd=tcp:2222:22", NULL };
	char *plain[] = { "run", "-k", "I", NULL };
	struct vm_config c;

	PARSE(&c, "--restore", "F");
	CHECK_EQ(u, options_restore_merge(&c, ARGC("--restore", "F", "-n", "mode=user,hostfwd=tcp:2222:22"),
					  ARGV("--restore", "F", "-n", "mode=user,hostfwd=tcp:2222:22"),
					  5, saved, err, sizeof(err)), 0);
	CHECK(u, c.nr_nets == 1 && c.nets[0].nr_hostfwd == 1);
	PARSE(&c, "--restore", "F");
	CHECK_EQ(u, options_restore_merge(&c, ARGC("--restore", "F"), ARGV("--restore", "F"),
					  5, saved, err, sizeof(err)), 0);
	CHECK(u, c.nr_nets == 1 && c.nets[0].nr_hostfwd == 1);
	PARSE(&c, "--restore", "F");
	CHECK_EQ(u, options_restore_merge(&c, ARGC("--restore", "F", "-n", "mode=user,hostfwd=tcp:2223:22"),
					  ARGV("--restore", "F", "-n", "mode=user,hostfwd=tcp:2223:22"),
					  5, saved, err, sizeof(err)), -22);
	CHECK(u, strstr(err, "-n/--network mode=user,hostfwd=tcp:2223:22 differs from the snapshot's run"));
	PARSE(&c, "--restore", "F");
	CHECK_EQ(u, options_restore_merge(&c, ARGC("--restore", "F", "-n", "mode=none"),
					  ARGV("--restore", "F", "-n", "mode=none"),
					  3, plain, err, sizeof(err)), -22);
	CHECK(u, strstr(err, "-n/--network mode=none differs from the snapshot's run"));
	CHECK(u, !strchr(err, '\n'));
}

int main(void)
{
	struct unit u = { 0 };

	test_restore(&u);
	test_restore_net(&u);
	test_kvmtool_names(&u);
	test_errors(&u);
	test_conflicts(&u);
	test_sandbox(&u);
	test_network(&u);
	test_pmu(&u);
	test_cpu_features(&u);
	test_sizes(&u);
	test_mem_base(&u);
	test_hugetlbfs(&u);
	test_9p(&u);
	test_vcpu_affinity(&u);
	test_firmware(&u);
	test_vsock(&u);
	test_transport(&u);
	return unit_done(&u, "test-options");
}
