#ifndef HLSSEG_CRENAMEEXCHANGE_H
#define HLSSEG_CRENAMEEXCHANGE_H

/// Atomically swaps the directory entries `first` and `second` (both must exist): Linux's
/// renameat2(RENAME_EXCHANGE), which Swift's Glibc module does not declare (it needs
/// _GNU_SOURCE). Returns 0, or -1 with errno set; errno is ENOSYS where the call does not
/// exist and EINVAL where the file system cannot exchange, so callers fall back to rename().
int hlsseg_rename_exchange(const char *first, const char *second);

#endif
