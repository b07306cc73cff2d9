/* Docker's device rules on cgroup v2, where there is no devices controller:
 * a BPF_PROG_TYPE_CGROUP_DEVICE program attached to the sandbox's cgroup
 * (BPF_CGROUP_DEVICE), as runc does. The kernel runs it at every open() and
 * mknod() of a device node by a process in the cgroup, with
 *   struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }
 * (access_type = access << 16 | type), and allows the access when it
 * returns 1. The program, written out by hand:
 *
 *   r2 = ctx->access_type; r3 = r2 & 0xffff (type); r2 >>= 16 (access)
 *   r4 = ctx->major; r5 = ctx->minor
 *   if (access & ~MKNOD) == 0 -> allow            "c *:* m", "b *:* m"
 *   if type != CHAR -> deny
 *   for each allowed char device: major (and minor, unless *) -> allow
 *   deny: return 0;  allow: return 1
 *
 * Attached without BPF_F_ALLOW_OVERRIDE or _MULTI, so nothing below it (a
 * cgroup the sandbox makes itself) can attach a program that widens it. */
#include <errno.h>
#include <linux/bpf.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup_int.h"

/* The char devices of cg_device_allow with rwm; minor -1 is "*". */
static const struct { int major, minor; } allowed_chr[] = {
    {1, 3}, {1, 5}, {1, 7}, {1, 8}, {1, 9}, {5, 0}, {5, 1}, {5, 2}, {136, -1},
};
#define N_ALLOWED (sizeof allowed_chr / sizeof allowed_chr[0])
/* 7 instructions of set-up, 2 per exact device, 1 per wildcard, 4 to end. */
#define MAX_INSNS (7 + 2 * N_ALLOWED + 4)

static struct bpf_insn insn(__u8 code, __u8 dst, __u8 src, __s16 off, __s32 imm)
{
    struct bpf_insn i;
    memset(&i, 0, sizeof i);
    i.code = code;
    i.dst_reg = dst & 0xf;
    i.src_reg = src & 0xf;
    i.off = off;
    i.imm = imm;
    return i;
}

#define LDX_W(dst, off) insn(BPF_LDX | BPF_MEM | BPF_W, (dst), BPF_REG_1, (off), 0)
#define ALU_K(op, dst, k) insn(BPF_ALU64 | (op) | BPF_K, (dst), 0, 0, (k))
#define MOV_R(dst, src) insn(BPF_ALU64 | BPF_MOV | BPF_X, (dst), (src), 0, 0)
#define JMP_K(op, dst, k, off) insn(BPF_JMP | (op) | BPF_K, (dst), 0, (off), (k))
#define EXIT() insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* Jumps to "allow" are emitted with off 0 and patched once its place is
 * known. Returns the number of instructions. */
static size_t build_program(struct bpf_insn *p)
{
    size_t n = 0, to_allow[MAX_INSNS], nallow = 0;
    p[n++] = LDX_W(BPF_REG_2, offsetof(struct bpf_cgroup_dev_ctx, access_type));
    p[n++] = MOV_R(BPF_REG_3, BPF_REG_2);
    p[n++] = ALU_K(BPF_AND, BPF_REG_3, 0xffff);
    p[n++] = ALU_K(BPF_RSH, BPF_REG_2, 16);
    p[n++] = LDX_W(BPF_REG_4, offsetof(struct bpf_cgroup_dev_ctx, major));
    p[n++] = LDX_W(BPF_REG_5, offsetof(struct bpf_cgroup_dev_ctx, minor));
    /* mknod alone, of any node */
    p[n++] = ALU_K(BPF_AND, BPF_REG_2, ~BPF_DEVCG_ACC_MKNOD);
    to_allow[nallow++] = n;
    p[n++] = JMP_K(BPF_JEQ, BPF_REG_2, 0, 0);
    size_t to_deny = n;
    p[n++] = JMP_K(BPF_JNE, BPF_REG_3, BPF_DEVCG_DEV_CHAR, 0);
    for (size_t i = 0; i < N_ALLOWED; i++) {
        if (allowed_chr[i].minor < 0) {
            to_allow[nallow++] = n;
            p[n++] = JMP_K(BPF_JEQ, BPF_REG_4, allowed_chr[i].major, 0);
            continue;
        }
        p[n++] = JMP_K(BPF_JNE, BPF_REG_4, allowed_chr[i].major, 1);
        to_allow[nallow++] = n;
        p[n++] = JMP_K(BPF_JEQ, BPF_REG_5, allowed_chr[i].minor, 0);
    }
    size_t deny = n;
    p[n++] = ALU_K(BPF_MOV, BPF_REG_0, 0);
    p[n++] = EXIT();
    size_t allow = n;
    p[n++] = ALU_K(BPF_MOV, BPF_REG_0, 1);
    p[n++] = EXIT();
    p[to_deny].off = (__s16)(deny - to_deny - 1);
    for (size_t i = 0; i < nallow; i++)
        p[to_allow[i]].off = (__s16)(allow - to_allow[i] - 1);
    return n;
}

int cg_v2_attach_device_program(int cgroup_fd, const char *dir, struct isolab_err *err)
{
    struct bpf_insn prog[MAX_INSNS];
    size_t n = build_program(prog);
    static char log[4096];
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    attr.insns = (__u64)(uintptr_t)prog;
    attr.insn_cnt = (__u32)n;
    attr.license = (__u64)(uintptr_t)"GPL";
    attr.log_buf = (__u64)(uintptr_t)log;
    attr.log_size = sizeof log;
    attr.log_level = 1;
    log[0] = '\0';
    _cleanup_close_ int prog_fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof attr);
    if (prog_fd < 0) {
        int e = errno;
        isolab_err_set(err, e, "cgroups: loading the device program (%zu instructions): %s%s%.300s",
                       n, strerror(e), log[0] ? ": " : "", log);
        isolab_err_hint(err, "Docker's device rules on cgroup v2 need bpf() as root and a kernel "
                        "with CONFIG_CGROUP_BPF; --privileged allows every device instead");
        return -1;
    }
    memset(&attr, 0, sizeof attr);
    attr.target_fd = (__u32)cgroup_fd;
    attr.attach_bpf_fd = (__u32)prog_fd;
    attr.attach_type = BPF_CGROUP_DEVICE;
    if (syscall(SYS_bpf, BPF_PROG_ATTACH, &attr, sizeof attr) < 0) {
        int e = errno;
        isolab_err_set(err, e, "cgroups: attaching the device program to %s: %s", dir, strerror(e));
        isolab_err_hint(err, "--privileged allows every device instead");
        return -1;
    }
    return 0;   /* the attachment keeps the program; the fd may go */
}
