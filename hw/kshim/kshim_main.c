// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * kshim_main.c - flowsim_kshim.ko: module parameters and the debugfs interface
 * (/sys/kernel/debug/flowsim/) of the kernel shim.  See hw/kshim/README.md for the files
 * and their formats.
 *
 * Every listing is a snapshot: open() asks the core for the text (under the core's lock,
 * into a kvmalloc'ed buffer, retrying with a bigger one if it did not fit) and read()
 * emits it through seq_file sized to hold it all, so show() runs exactly once and no
 * lock is held across copy_to_user.  Reading `events` drains the ring.
 *
 * Configuration (attach, devices, ruleset, sysctl) is serialized by kshim_mutex.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/uaccess.h>
#include <linux/string.h>
#include <linux/kstrtox.h>

#include "kshim.h"

static char *devices = "";
module_param(devices, charp, 0444);
MODULE_PARM_DESC(devices, "devices to hook at attach, comma separated (e.g. lan0,wan0)");

static ushort kernel = 601;
module_param(kernel, ushort, 0444);
MODULE_PARM_DESC(kernel, "kernel behaviour to model, major*100+minor (default 601)");

static char *soc = "none";
module_param(soc, charp, 0444);
MODULE_PARM_DESC(soc, "PPE SoC profile: none, mt7620, mt7621, mt7622, mt7623, mt7981, mt7986, mt7988");

static char *ct_profile = "linux";
module_param(ct_profile, charp, 0444);
MODULE_PARM_DESC(ct_profile, "conntrack defaults: linux (upstream/Debian) or openwrt");

static char *ruleset = "fw4";
module_param(ruleset, charp, 0444);
MODULE_PARM_DESC(ruleset, "ruleset at attach when none was written: fw4 (OpenWrt defaults) or empty");

static bool flow_offloading;
module_param(flow_offloading, bool, 0444);
MODULE_PARM_DESC(flow_offloading, "fw4 default ruleset: software flow offloading");

static bool flow_offloading_hw;
module_param(flow_offloading_hw, bool, 0444);
MODULE_PARM_DESC(flow_offloading_hw, "fw4 default ruleset: hardware flow offloading");

static uint events_max = 4096;
module_param(events_max, uint, 0444);
MODULE_PARM_DESC(events_max, "lines kept in the events ring (default 4096)");

#define KSHIM_RULESET_MAX (4u << 20)
#define KSHIM_DUMP_MAX (256u << 20)

static DEFINE_MUTEX(kshim_mutex);
static struct kshim_core *kshim_core;
static struct dentry *kshim_dir;
static char kshim_devices[256];
static char *kshim_rules;            /* last applied (or pending) ruleset text */
static size_t kshim_rules_len;
static bool kshim_rules_pending;     /* written before attach, applied at attach */
static bool kshim_rules_default;     /* kshim_rules is the fw4 default rendered at attach */
static char kshim_rules_error[256];

/* --- snapshots ---------------------------------------------------------------------- */

struct kshim_snap {
	size_t len;
	char *text;
};

static int kshim_snap_show(struct seq_file *m, void *v)
{
	struct kshim_snap *s = m->private;

	seq_write(m, s->text, s->len);
	return 0;
}

static int kshim_snap_open(struct file *file, struct kshim_snap *s)
{
	int rc = single_open_size(file, kshim_snap_show, s, s->len + PAGE_SIZE);

	if (rc) {
		kvfree(s->text);
		kfree(s);
	}
	return rc;
}

static int kshim_snap_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;
	struct kshim_snap *s = m->private;

	kvfree(s->text);
	kfree(s);
	return single_release(inode, file);
}

static struct kshim_snap *kshim_snap_new(size_t len)
{
	struct kshim_snap *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s)
		return NULL;
	s->text = kvmalloc(len + 1, GFP_KERNEL);
	if (!s->text) {
		kfree(s);
		return NULL;
	}
	s->len = len;
	return s;
}

/* A listing: the debugfs file's private data (inode->i_private) encodes kind and index. */
#define KSHIM_DUMP_KEY(kind, idx) ((void *)(uintptr_t)((kind) | ((idx) << 8)))

static int kshim_dump_open(struct inode *inode, struct file *file)
{
	uintptr_t key = (uintptr_t)inode->i_private;
	enum kshim_dump kind = key & 0xff;
	int idx = key >> 8;
	size_t size = min_t(size_t, kshim_core_dump_hint(kshim_core, kind), KSHIM_DUMP_MAX);
	struct kshim_snap *s;
	long n;

	for (;;) {
		s = kshim_snap_new(size);
		if (!s)
			return -ENOMEM;
		n = kshim_core_dump(kshim_core, kind, idx, s->text, size + 1);
		if (n >= 0)
			break;
		kvfree(s->text);
		kfree(s);
		if (n != -ENOSPC)
			return n;
		if (size >= KSHIM_DUMP_MAX)
			return -EFBIG;
		size *= 2;
	}
	s->len = n;
	return kshim_snap_open(file, s);
}

static const struct file_operations kshim_dump_fops = {
	.owner = THIS_MODULE,
	.open = kshim_dump_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = kshim_snap_release,
};

/* A small text file whose content is produced at open. */
static int kshim_text_open(struct file *file, const char *text, size_t len)
{
	struct kshim_snap *s = kshim_snap_new(len);

	if (!s)
		return -ENOMEM;
	memcpy(s->text, text, len);
	return kshim_snap_open(file, s);
}

/* Copy a user write into a NUL-terminated kernel string (at most max bytes). */
static char *kshim_user_string(const char __user *ubuf, size_t count, size_t max)
{
	char *s;

	if (count > max)
		return ERR_PTR(-EFBIG);
	s = kvmalloc(count + 1, GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(s, ubuf, count)) {
		kvfree(s);
		return ERR_PTR(-EFAULT);
	}
	s[count] = 0;
	return s;
}

/* --- ruleset ------------------------------------------------------------------------- */

/* kshim_mutex held.  Applies text (NUL-terminated, len bytes) and keeps it on success. */
static int kshim_ruleset_set(char *text, size_t len)
{
	int rc;

	kshim_rules_error[0] = 0;
	if (!kshim_core_attached(kshim_core)) {
		/* device names mean nothing before attach: keep it for then */
		kvfree(kshim_rules);
		kshim_rules = text;
		kshim_rules_len = len;
		kshim_rules_pending = true;
		kshim_rules_default = false;
		pr_info("flowsim: ruleset stored (%zu bytes); applied at attach\n", len);
		return 0;
	}
	rc = kshim_core_apply_ruleset(kshim_core, text, len, kshim_rules_error,
				      sizeof(kshim_rules_error));
	if (rc) {
		pr_err("flowsim: ruleset rejected: %s\n", kshim_rules_error);
		kvfree(text);
		return rc;
	}
	kvfree(kshim_rules);
	kshim_rules = text;
	kshim_rules_len = len;
	kshim_rules_pending = false;
	kshim_rules_default = false;
	pr_info("flowsim: ruleset applied (%zu bytes)\n", len);
	return 0;
}

/* At attach (kshim_mutex held): the written ruleset, else the default. */
static void kshim_ruleset_attach(void)
{
	char *lan = NULL, *wan = NULL, *text;
	char names[sizeof(kshim_devices)];
	char *p = names;
	int rc;

	if (kshim_rules && kshim_rules_default) {
		/* rendered for the previous attach's devices: render it again for these */
		kvfree(kshim_rules);
		kshim_rules = NULL;
		kshim_rules_len = 0;
		kshim_rules_default = false;
	}
	if (kshim_rules) {
		rc = kshim_core_apply_ruleset(kshim_core, kshim_rules, kshim_rules_len,
					      kshim_rules_error, sizeof(kshim_rules_error));
		if (rc)
			pr_err("flowsim: stored ruleset rejected at attach: %s\n",
			       kshim_rules_error);
		else
			pr_info("flowsim: stored ruleset applied\n");
		kshim_rules_pending = false;
		return;
	}
	if (strcmp(ruleset, "fw4")) {
		pr_info("flowsim: no ruleset loaded (ruleset=%s): write flowsim/ruleset\n", ruleset);
		return;
	}
	/* fw4 defaults: lan = the first hooked device, wan = the second */
	strscpy(names, kshim_devices, sizeof(names));
	lan = strsep(&p, ", ");
	while (p && !*p)
		strsep(&p, ", ");
	wan = p ? strsep(&p, ", ") : NULL;
	text = kshim_core_fw4_default(kshim_core, lan, wan, flow_offloading, flow_offloading_hw);
	if (!text) {
		pr_err("flowsim: fw4 default ruleset could not be rendered; none loaded\n");
		return;
	}
	rc = kshim_core_apply_ruleset(kshim_core, text, strlen(text), kshim_rules_error,
				      sizeof(kshim_rules_error));
	if (rc) {
		pr_err("flowsim: fw4 default ruleset rejected: %s\n", kshim_rules_error);
		kvfree(text);
		return;
	}
	kshim_rules = text;
	kshim_rules_len = strlen(text);
	kshim_rules_default = true;
	pr_info("flowsim: fw4 default ruleset applied (lan=%s wan=%s)\n", lan ? lan : "-",
		wan ? wan : "-");
}

/* One writer's text; its mutex orders write() against a close() in another thread. */
struct kshim_wbuf {
	struct mutex lock;
	char *buf;
	size_t len, cap;
	bool dirty;
};

static int kshim_ruleset_open(struct inode *inode, struct file *file)
{
	struct kshim_wbuf *w;
	int rc;

	if (file->f_mode & FMODE_READ && file->f_mode & FMODE_WRITE)
		return -EINVAL;
	if (file->f_mode & FMODE_READ) {
		mutex_lock(&kshim_mutex);
		rc = kshim_text_open(file, kshim_rules ? kshim_rules : "",
				     kshim_rules ? kshim_rules_len : 0);
		mutex_unlock(&kshim_mutex);
		return rc;
	}
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	mutex_init(&w->lock);
	file->private_data = w;
	return nonseekable_open(inode, file);
}

static ssize_t kshim_ruleset_write(struct file *file, const char __user *ubuf, size_t count,
				   loff_t *ppos)
{
	struct kshim_wbuf *w = file->private_data;
	ssize_t rc = count;

	mutex_lock(&w->lock);
	if (w->len + count > KSHIM_RULESET_MAX) {
		rc = -EFBIG;
		goto out;
	}
	if (w->len + count + 1 > w->cap) {
		size_t cap = max_t(size_t, 2 * w->cap, w->len + count + 1);
		char *n = kvmalloc(max_t(size_t, cap, 4096), GFP_KERNEL);

		if (!n) {
			rc = -ENOMEM;
			goto out;
		}
		if (w->buf)
			memcpy(n, w->buf, w->len);
		kvfree(w->buf);
		w->buf = n;
		w->cap = max_t(size_t, cap, 4096);
	}
	if (copy_from_user(w->buf + w->len, ubuf, count)) {
		rc = -EFAULT;
		goto out;
	}
	w->len += count;
	w->buf[w->len] = 0;
	w->dirty = true;
out:
	mutex_unlock(&w->lock);
	return rc;
}

/*
 * The text is applied when the writer closes the file (flush: close(2) returns the
 * error, -EINVAL for a rejected ruleset), so a script may arrive in several writes.
 */
static int kshim_ruleset_commit(struct kshim_wbuf *w)
{
	char *text;
	size_t len;
	int rc;

	mutex_lock(&w->lock);
	if (!w->dirty) {
		mutex_unlock(&w->lock);
		return 0;
	}
	w->dirty = false;
	len = w->len;
	text = kvmalloc(len + 1, GFP_KERNEL);
	if (text) {
		memcpy(text, w->buf, len);
		text[len] = 0;
	}
	mutex_unlock(&w->lock);
	if (!text)
		return -ENOMEM;
	mutex_lock(&kshim_mutex);
	rc = kshim_ruleset_set(text, len);
	mutex_unlock(&kshim_mutex);
	return rc;
}

static int kshim_ruleset_flush(struct file *file, fl_owner_t id)
{
	if (!(file->f_mode & FMODE_WRITE))
		return 0;
	return kshim_ruleset_commit(file->private_data);
}

static int kshim_ruleset_release(struct inode *inode, struct file *file)
{
	struct kshim_wbuf *w;

	if (file->f_mode & FMODE_READ)
		return kshim_snap_release(inode, file);
	w = file->private_data;
	kshim_ruleset_commit(w);
	mutex_destroy(&w->lock);
	kvfree(w->buf);
	kfree(w);
	return 0;
}

static ssize_t kshim_ruleset_read(struct file *file, char __user *ubuf, size_t count,
				  loff_t *ppos)
{
	if (!(file->f_mode & FMODE_READ))
		return -EINVAL;
	return seq_read(file, ubuf, count, ppos);
}

static const struct file_operations kshim_ruleset_fops = {
	.owner = THIS_MODULE,
	.open = kshim_ruleset_open,
	.read = kshim_ruleset_read,
	.write = kshim_ruleset_write,
	.flush = kshim_ruleset_flush,
	.release = kshim_ruleset_release,
	.llseek = no_llseek,
};

static int kshim_ruleset_error_open(struct inode *inode, struct file *file)
{
	char buf[sizeof(kshim_rules_error) + 1];
	size_t n;
	int rc;

	mutex_lock(&kshim_mutex);
	n = scnprintf(buf, sizeof(buf), "%s%s", kshim_rules_error, *kshim_rules_error ? "\n" : "");
	rc = kshim_text_open(file, buf, n);
	mutex_unlock(&kshim_mutex);
	return rc;
}

static const struct file_operations kshim_ruleset_error_fops = {
	.owner = THIS_MODULE,
	.open = kshim_ruleset_error_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = kshim_snap_release,
};

/* --- attach, devices, sysctl -------------------------------------------------------------- */

static int kshim_attach_open(struct inode *inode, struct file *file)
{
	char buf[512];
	int n;

	if (!(file->f_mode & FMODE_READ))
		return nonseekable_open(inode, file);
	n = kshim_net_describe(buf, sizeof(buf));
	return kshim_text_open(file, buf, n);
}

static int kshim_attach_release(struct inode *inode, struct file *file)
{
	if (file->f_mode & FMODE_READ)
		return kshim_snap_release(inode, file);
	return 0;
}

static ssize_t kshim_attach_write(struct file *file, const char __user *ubuf, size_t count,
				  loff_t *ppos)
{
	char err[160] = "";
	char *s = kshim_user_string(ubuf, count, 64);
	char *arg;
	int pid, rc;

	if (IS_ERR(s))
		return PTR_ERR(s);
	arg = strim(s);
	mutex_lock(&kshim_mutex);
	if (!strcmp(arg, "detach")) {
		kshim_net_detach(kshim_core);
		pr_info("flowsim: detached\n");
		rc = 0;
	} else if (kstrtoint(arg, 10, &pid) || pid <= 0) {
		pr_err("flowsim: attach: expected a pid or 'detach', got '%s'\n", arg);
		rc = -EINVAL;
	} else {
		rc = kshim_net_attach(kshim_core, pid, kshim_devices, err, sizeof(err));
		if (rc) {
			pr_err("flowsim: attach to pid %d failed: %s\n", pid, err);
		} else {
			pr_info("flowsim: attached to the netns of pid %d, devices %s\n", pid,
				kshim_devices);
			kshim_ruleset_attach();
		}
	}
	mutex_unlock(&kshim_mutex);
	kvfree(s);
	return rc ? rc : (ssize_t)count;
}

static const struct file_operations kshim_attach_fops = {
	.owner = THIS_MODULE,
	.open = kshim_attach_open,
	.read = seq_read,
	.write = kshim_attach_write,
	.release = kshim_attach_release,
	.llseek = no_llseek,
};

static int kshim_devices_open(struct inode *inode, struct file *file)
{
	char buf[sizeof(kshim_devices) + 1];
	int n, rc;

	if (!(file->f_mode & FMODE_READ))
		return nonseekable_open(inode, file);
	mutex_lock(&kshim_mutex);
	n = scnprintf(buf, sizeof(buf), "%s\n", kshim_devices);
	rc = kshim_text_open(file, buf, n);
	mutex_unlock(&kshim_mutex);
	return rc;
}

static ssize_t kshim_devices_write(struct file *file, const char __user *ubuf, size_t count,
				   loff_t *ppos)
{
	char *s = kshim_user_string(ubuf, count, sizeof(kshim_devices) - 1);

	if (IS_ERR(s))
		return PTR_ERR(s);
	mutex_lock(&kshim_mutex);
	strscpy(kshim_devices, strim(s), sizeof(kshim_devices));
	mutex_unlock(&kshim_mutex);
	kvfree(s);
	return count;
}

static const struct file_operations kshim_devices_fops = {
	.owner = THIS_MODULE,
	.open = kshim_devices_open,
	.read = seq_read,
	.write = kshim_devices_write,
	.release = kshim_attach_release,
	.llseek = no_llseek,
};

static int kshim_sysctl_open(struct inode *inode, struct file *file)
{
	char *buf;
	int n, rc;

	if (!(file->f_mode & FMODE_READ))
		return nonseekable_open(inode, file);
	buf = kmalloc(4096, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	n = kshim_core_sysctl_format(kshim_core, buf, 4096);
	rc = n < 0 ? n : kshim_text_open(file, buf, n);
	kfree(buf);
	return rc;
}

/* "name value" or "name=value" lines; the first bad line fails the write. */
static ssize_t kshim_sysctl_write(struct file *file, const char __user *ubuf, size_t count,
				  loff_t *ppos)
{
	char *s = kshim_user_string(ubuf, count, 4096);
	char err[128];
	char *p, *line;
	int rc = 0, lineno = 0;

	if (IS_ERR(s))
		return PTR_ERR(s);
	p = s;
	mutex_lock(&kshim_mutex);
	while (!rc && (line = strsep(&p, "\n"))) {
		char *name, *val;
		u32 v;

		lineno++;
		line = strim(line);
		if (!*line || *line == '#')
			continue;
		name = strsep(&line, " \t=");
		val = line ? strim(line) : NULL;
		if (val && *val == '=')
			val = strim(val + 1);
		if (!val || kstrtou32(val, 10, &v)) {
			pr_err("flowsim: sysctl line %d: expected 'name value', got '%s'\n", lineno,
			       name);
			rc = -EINVAL;
			break;
		}
		rc = kshim_core_sysctl_set(kshim_core, name, v, err, sizeof(err));
		if (rc)
			pr_err("flowsim: sysctl line %d: %s\n", lineno, err);
		else
			pr_info("flowsim: sysctl %s = %u\n", name, v);
	}
	mutex_unlock(&kshim_mutex);
	kvfree(s);
	return rc ? rc : (ssize_t)count;
}

static const struct file_operations kshim_sysctl_fops = {
	.owner = THIS_MODULE,
	.open = kshim_sysctl_open,
	.read = seq_read,
	.write = kshim_sysctl_write,
	.release = kshim_attach_release,
	.llseek = no_llseek,
};

/* --- module ---------------------------------------------------------------------------------- */

static int __init kshim_init(void)
{
	struct kshim_core_cfg cfg;
	char err[200] = "";
	u32 i;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	if (kernel < 400 || kernel > 1299) {
		pr_err("flowsim: kernel=%u: expected major*100+minor, e.g. 601 or 606\n", kernel);
		return -EINVAL;
	}
	if (strcmp(ct_profile, "linux") && strcmp(ct_profile, "openwrt")) {
		pr_err("flowsim: ct_profile=%s: expected linux or openwrt\n", ct_profile);
		return -EINVAL;
	}
	if (strcmp(ruleset, "fw4") && strcmp(ruleset, "empty")) {
		pr_err("flowsim: ruleset=%s: expected fw4 or empty\n", ruleset);
		return -EINVAL;
	}
	if (events_max < 16 || events_max > 1u << 20) {
		pr_err("flowsim: events_max=%u: expected 16..1048576 lines\n", events_max);
		return -EINVAL;
	}
	if (strscpy(cfg.soc, soc, sizeof(cfg.soc)) < 0) {
		pr_err("flowsim: soc=%s: name too long\n", soc);
		return -EINVAL;
	}
	cfg.kernel = kernel;
	cfg.ct_openwrt = !strcmp(ct_profile, "openwrt");
	cfg.events_max = events_max;
	kshim_core = kshim_core_create(&cfg, err, sizeof(err));
	if (!kshim_core) {
		pr_err("flowsim: %s\n", err);
		return -EINVAL;
	}
	strscpy(kshim_devices, devices, sizeof(kshim_devices));
	rc = kshim_net_init();
	if (rc) {
		pr_err("flowsim: cannot register the netdevice notifier (%d)\n", rc);
		goto fail_core;
	}
	kshim_dir = debugfs_create_dir(KSHIM_NAME, NULL);
	if (IS_ERR(kshim_dir)) {
		rc = PTR_ERR(kshim_dir);
		pr_err("flowsim: cannot create debugfs directory (%d)\n", rc);
		goto fail_net;
	}
	debugfs_create_file("attach", 0600, kshim_dir, NULL, &kshim_attach_fops);
	debugfs_create_file("devices", 0600, kshim_dir, NULL, &kshim_devices_fops);
	debugfs_create_file("ruleset", 0600, kshim_dir, NULL, &kshim_ruleset_fops);
	debugfs_create_file("ruleset_error", 0400, kshim_dir, NULL, &kshim_ruleset_error_fops);
	debugfs_create_file("sysctl", 0600, kshim_dir, NULL, &kshim_sysctl_fops);
	debugfs_create_file("nf_conntrack", 0400, kshim_dir, KSHIM_DUMP_KEY(KSHIM_DUMP_PROC, 0),
			    &kshim_dump_fops);
	debugfs_create_file("conntrack", 0400, kshim_dir, KSHIM_DUMP_KEY(KSHIM_DUMP_CLI, 0),
			    &kshim_dump_fops);
	debugfs_create_file("flowtable", 0400, kshim_dir,
			    KSHIM_DUMP_KEY(KSHIM_DUMP_FLOWTABLE, 0), &kshim_dump_fops);
	debugfs_create_file("events", 0400, kshim_dir, KSHIM_DUMP_KEY(KSHIM_DUMP_EVENTS, 0),
			    &kshim_dump_fops);
	debugfs_create_file("stats", 0400, kshim_dir, KSHIM_DUMP_KEY(KSHIM_DUMP_STATS, 0),
			    &kshim_dump_fops);
	for (i = 0; i < kshim_core_num_ppe(kshim_core); i++) {
		char name[8];
		struct dentry *d;

		snprintf(name, sizeof(name), "ppe%u", i);
		d = debugfs_create_dir(name, kshim_dir);
		debugfs_create_file("entries", 0400, d, KSHIM_DUMP_KEY(KSHIM_DUMP_PPE_ENTRIES, i),
				    &kshim_dump_fops);
		debugfs_create_file("bind", 0400, d, KSHIM_DUMP_KEY(KSHIM_DUMP_PPE_BIND, i),
				    &kshim_dump_fops);
	}
	pr_info("flowsim: loaded (kernel=%u soc=%s ct_profile=%s devices=%s)\n", kernel, soc,
		ct_profile, *kshim_devices ? kshim_devices : "-");
	return 0;

fail_net:
	kshim_net_exit();
fail_core:
	kshim_core_destroy(kshim_core);
	return rc;
}

static void __exit kshim_exit(void)
{
	/* no new openers, and debugfs waits for running file operations */
	debugfs_remove_recursive(kshim_dir);
	mutex_lock(&kshim_mutex);
	kshim_net_detach(kshim_core);
	mutex_unlock(&kshim_mutex);
	kshim_net_exit();
	kshim_core_destroy(kshim_core);
	kvfree(kshim_rules);
	pr_info("flowsim: unloaded\n");
}

module_init(kshim_init);
module_exit(kshim_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("flowsim kernel shim: the flow-offload model shadowing a real kernel");
MODULE_AUTHOR("flowsim");
