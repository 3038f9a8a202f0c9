// SPDX-License-Identifier: GPL-2.0
/* Reading the kernel and initrd files into guest RAM, where loader_plan() says. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "gic/irqchip.h"
#include "lib/log.h"
#include "lib/util.h"
#include "machine/kvm.h"
#include "machine/memmap.h"
#include "machine/vm.h"

/* kvmtool's message for a kernel it cannot open, before the file's name. */
/* Read at a time, between looks for a stop signal. */
#define LOAD_CHUNK		(16ULL << 20)
#define LOAD_KVMTOOL_WORDS	" [kvmtool: Fatal: Unable to open kernel "

/*
 * kvmtool creates the VM and its GIC before it opens the kernel, and
 * scripts written for it take its complaint about the kernel to mean
 * that the rest of the command line works on this host: kvm-unit-tests'
 * runner starts the VMM with a kernel that does not exist and a test's
 * options, and skips the test when the complaint is another. So before
 * lkvm says it cannot open the kernel, it asks KVM, on a scratch VM,
 * for the GIC that --irqchip names; the GIC stage's own message reports
 * a refusal instead. Without KVM the kernel is reported: KVM's absence
 * is the KVM stage's to report once there is a kernel.
 */
static int load_check_gic_first(struct vm *vm)
{
	struct irqchip_host host = {
		.loglevel = vm->cfg.loglevel, .nr_cpus = vm->nr_cpus,
		.kind = vm->cfg.irqchip,
	};
	struct irqchip scratch = { 0 };
	int kvm_fd, ret = 0;

	/* gicv2m's frame is lkvm's own: only its GICv2 is the host's to refuse. */
	if (host.kind == IRQCHIP_GICV2M)
		host.kind = IRQCHIP_GICV2;
	if (host.kind != IRQCHIP_GICV2 && host.kind != IRQCHIP_GICV3 &&
	    host.kind != IRQCHIP_GICV3_ITS)
		return 0;
	kvm_fd = open(kvm_dev_path(&vm->cfg), O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0)
		return 0;
	host.vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (host.vm_fd >= 0) {
		ret = irqchip_create(&scratch, &host);
		irqchip_destroy(&scratch);
		close(host.vm_fd);
	}
	close(kvm_fd);
	return ret;
}

/* The option that names each file, for the fix in a message. */
static const char *load_flag(const char *what)
{
	if (!strcmp(what, "kernel"))
		return "-k";
	return strcmp(what, "firmware") ? "-i" : "-f";
}

/*
 * The file cannot be opened. For the kernel, the line ends with
 * kvmtool's own words, which scripts written for it look for
 * (docs/errors.md).
 */
static int load_report_open(struct vm *vm, const char *what, const char *path, int err)
{
	bool kernel = !strcmp(what, "kernel");
	int th = vm->cfg.loglevel, ret;

	ret = kernel ? load_check_gic_first(vm) : 0;
	if (ret)
		return ret;
	if (err == EACCES || err == EPERM)
		pr_err(th, "no permission to read %s file '%s'; give this user read access to it (and search access to its directories)%s%s%s",
		       what, path, kernel ? LOAD_KVMTOOL_WORDS : "", kernel ? path : "",
		       kernel ? "]" : "");
	else
		pr_err(th, "cannot open %s file '%s': %s; check the path given to %s%s%s%s",
		       what, path, strerror(err), load_flag(what),
		       kernel ? LOAD_KVMTOOL_WORDS : "", kernel ? path : "",
		       kernel ? "]" : "");
	return err == EPERM ? -EACCES : -err;
}

/* Opens a regular, non-empty file; reports the problem and the fix. */
static int load_open(struct vm *vm, const char *what, const char *path,
		     uint64_t *size)
{
	int th = vm->cfg.loglevel, fd;
	struct stat st;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return load_report_open(vm, what, path, errno);
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		pr_err(th, "%s '%s' is not a regular file; give the %s file itself",
		       what, path, what);
		close(fd);
		return -EINVAL;
	}
	if (!st.st_size) {
		pr_err(th, "%s file '%s' is empty; give a real %s", what, path, what);
		close(fd);
		return -EINVAL;
	}
	*size = st.st_size;
	return fd;
}

/*
 * SIGINT, SIGTERM and SIGHUP wait, blocked, until the run (main.c): one
 * pending means the user wants out, and reading a large initrd on
 * would only keep them waiting.
 */
static bool load_stop_pending(void)
{
	sigset_t p;

	return !sigpending(&p) && (sigismember(&p, SIGINT) == 1 ||
				   sigismember(&p, SIGTERM) == 1 ||
				   sigismember(&p, SIGHUP) == 1);
}

/* In chunks, so that a stop signal ends a long read (-EINTR). */
static int load_read_full(int fd, void *buf, uint64_t len, uint64_t off)
{
	uint64_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, MIN(len - done, LOAD_CHUNK),
				  off + done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;	/* the file shrank under us */
		done += n;
		if (done < len && load_stop_pending())
			return -EINTR;
	}
	return 0;
}

static void load_report_no_room(struct vm *vm, const char *what)
{
	pr_err(vm->cfg.loglevel,
	       "not enough guest RAM for the %s: %llu MiB cannot hold kernel, initrd and device tree; give more with -m",
	       what, (unsigned long long)(vm->ram_size >> 20));
}

/*
 * --dump-dtb naming the kernel or initrd file, by whatever path, would
 * overwrite it with the device tree: refuse before anything is written.
 */
static int load_check_dump_path(struct vm *vm)
{
	const char *what[] = { vm->cfg.firmware_path ? "firmware" : "kernel", "initrd" };
	int fds[] = { vm->kernel_fd, vm->initrd_fd };
	struct stat dump, st;
	unsigned int i;

	if (!vm->cfg.dump_dtb_path || stat(vm->cfg.dump_dtb_path, &dump))
		return 0;	/* a file yet to be created is neither */
	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		if (fds[i] < 0 || fstat(fds[i], &st) ||
		    st.st_dev != dump.st_dev || st.st_ino != dump.st_ino)
			continue;
		pr_err(vm->cfg.loglevel, "--dump-dtb '%s' is the %s file: the device tree would overwrite it; give another file name",
		       vm->cfg.dump_dtb_path, what[i]);
		return -EEXIST;
	}
	return 0;
}

/*
 * kvmtool ignores -k and -i with -f without a word; lkvm boots the same
 * guest but says so, since whoever gave them expected them to be loaded.
 */
static void load_warn_ignored(struct vm *vm)
{
	if (vm->cfg.kernel_path)
		pr_warn(vm->cfg.loglevel, "kernel '%s' is not loaded: with -f lkvm boots the firmware, which loads its own kernel (as kvmtool); leave -k out",
			vm->cfg.kernel_path);
	if (vm->cfg.initrd_path)
		pr_warn(vm->cfg.loglevel, "initrd '%s' is not loaded: with -f lkvm boots the firmware, which loads its own initrd (as kvmtool); leave -i out",
			vm->cfg.initrd_path);
}

static void load_report_firmware(struct vm *vm, const struct fw_request *req,
				 int err)
{
	unsigned long long base = req->ram_base, end = req->ram_base + req->ram_size;
	unsigned long long addr = req->addr ? req->addr : base;
	int th = vm->cfg.loglevel;

	if (err == -ERANGE || err == -EINVAL)
		pr_err(th, "--firmware-address 0x%llx is not in guest RAM (0x%llx-0x%llx with -m %llu); give a 4-byte aligned address in RAM, or more RAM with -m",
		       addr, base, end - 1, (unsigned long long)(req->ram_size >> 20));
	else if (err == -EFBIG)
		pr_err(th, "firmware '%s' (%llu bytes%s) does not fit in guest RAM from 0x%llx (RAM ends at 0x%llx); give more RAM with -m%s",
		       vm->cfg.firmware_path,
		       (unsigned long long)MAX(req->file_size, req->image_size),
		       req->image_size > req->file_size ? ", its Image header's image_size" : "",
		       addr, end - 1, req->addr ? " or a lower --firmware-address" : "");
	else
		pr_err(th, "no room for the device tree after firmware '%s': the DTB goes at the next 2 MiB boundary after it, 0x%llx, and needs %llu KiB of RAM there (RAM ends at 0x%llx); give more RAM with -m%s",
		       vm->cfg.firmware_path,
		       ALIGN_UP(addr + MAX(req->file_size, req->image_size), LOADER_FW_DTB_ALIGN),
		       LOADER_FDT_MAX >> 10, end - 1,
		       req->addr ? " or a lower --firmware-address" : "");
}

/*
 * -f: the firmware instead of kernel and initrd. An arm64 Image header,
 * if it has one, only tells how much memory it takes (image_size).
 */
static int load_inspect_firmware(struct vm *vm)
{
	struct fw_request req = {
		.ram_base = vm->ram_base, .ram_size = vm->ram_size,
		.addr = vm->cfg.firmware_addr,
	};
	unsigned char hdr[ARM64_IMAGE_HDR_SIZE];
	struct image_info info;
	int ret, fd;

	load_warn_ignored(vm);
	fd = load_open(vm, "firmware", vm->cfg.firmware_path, &req.file_size);
	if (fd < 0)
		return fd;
	vm->kernel_fd = fd;
	vm->kernel_size = req.file_size;
	if (req.file_size >= sizeof(hdr) &&
	    !load_read_full(fd, hdr, sizeof(hdr), 0) &&
	    !loader_parse_header(hdr, sizeof(hdr), &info) && info.has_header)
		req.image_size = info.image_size;
	ret = load_check_dump_path(vm);
	if (ret)
		return ret;
	ret = loader_plan_firmware(&req, &vm->plan);
	if (ret)
		load_report_firmware(vm, &req, ret);
	return ret;
}

/*
 * Stage 0, before any KVM work: the files exist and fit. Leaves the
 * open descriptors in vm for load_images().
 */
int load_inspect(struct vm *vm)
{
	struct load_request req = { .ram_base = vm->ram_base, .ram_size = vm->ram_size };
	const struct kernel_misfit *misfit;
	unsigned char hdr[0x210];	/* far enough for every magic sniffed */
	size_t hlen;
	const char *what;
	int ret, fd;

	if (vm->cfg.firmware_path)
		return load_inspect_firmware(vm);
	fd = load_open(vm, "kernel", vm->cfg.kernel_path, &req.kernel_file_size);
	if (fd < 0)
		return fd;
	vm->kernel_fd = fd;
	hlen = MIN(sizeof(hdr), req.kernel_file_size);
	ret = load_read_full(fd, hdr, hlen, 0);
	misfit = ret ? NULL : loader_misfit(hdr, hlen);
	if (misfit) {
		pr_err(vm->cfg.loglevel, "kernel '%s' is %s, not an arm64 Image: %s",
		       vm->cfg.kernel_path, misfit->what, misfit->fix);
		return -ENOEXEC;
	}
	if (!ret)
		ret = loader_parse_header(hdr, hlen, &vm->image);
	if (ret) {
		pr_err(vm->cfg.loglevel, "kernel '%s' has an arm64 Image header lkvm cannot boot (big-endian or bad text_offset); give a little-endian arm64 Image",
		       vm->cfg.kernel_path);
		return -EINVAL;
	}
	req.image = vm->image;
	if (vm->cfg.initrd_path) {
		fd = load_open(vm, "initrd", vm->cfg.initrd_path, &req.initrd_size);
		if (fd < 0)
			return fd;
		vm->initrd_fd = fd;
		vm->initrd_size = req.initrd_size;
	}
	vm->kernel_size = req.kernel_file_size;
	ret = load_check_dump_path(vm);
	if (ret)
		return ret;
	ret = loader_plan(&req, &vm->plan, &what);
	if (ret)
		load_report_no_room(vm, what);
	return ret;
}

/*
 * Guest RAM is backed by transparent huge pages where the host allows.
 * Writing one byte of a small item (the DTB, a test binary) would then
 * fault in and zero a whole 2 MiB page; small items get 4 KiB pages so
 * lkvm's footprint stays what it loads.
 */
static void load_small_pages(struct vm *vm, uint64_t gpa, uint64_t len)
{
	uint64_t start = ALIGN_DOWN(gpa, SZ_4K), end = ALIGN_UP(gpa + len, SZ_4K);
	void *hva;

	if (len >= SZ_2M)
		return;
	hva = guest_mem_ptr(&vm->mem, start, end - start);
	if (hva)
		madvise(hva, end - start, MADV_NOHUGEPAGE);
}

int load_images(struct vm *vm)
{
	void *dst;
	int ret;

	load_small_pages(vm, vm->plan.dtb_addr, LOADER_FDT_MAX);
	load_small_pages(vm, vm->plan.kernel_addr,
			 vm->plan.kernel_end - vm->plan.kernel_addr);
	if (vm->initrd_size)
		load_small_pages(vm, vm->plan.initrd_addr, vm->initrd_size);

	dst = guest_mem_ptr(&vm->mem, vm->plan.kernel_addr, vm->kernel_size);
	ret = dst ? load_read_full(vm->kernel_fd, dst, vm->kernel_size, 0) : -EFAULT;
	if (ret == -EINTR) {
		pr_info(vm->cfg.loglevel, "stopped by a signal while loading the kernel");
		return ret;
	}
	if (ret) {
		pr_err(vm->cfg.loglevel, "cannot read %s '%s': %s",
		       vm->cfg.firmware_path ? "firmware" : "kernel",
		       vm->cfg.firmware_path ?: vm->cfg.kernel_path, strerror(-ret));
		return ret;
	}
	if (!vm->initrd_size)
		return 0;
	dst = guest_mem_ptr(&vm->mem, vm->plan.initrd_addr, vm->initrd_size);
	ret = dst ? load_read_full(vm->initrd_fd, dst, vm->initrd_size, 0) : -EFAULT;
	if (ret == -EINTR)
		pr_info(vm->cfg.loglevel, "stopped by a signal while loading the initrd");
	else if (ret)
		pr_err(vm->cfg.loglevel, "cannot read initrd '%s': %s",
		       vm->cfg.initrd_path, strerror(-ret));
	return ret;
}
