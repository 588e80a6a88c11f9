#ifndef HLSSEG_CFILESYSTEMCALLS_H
#define HLSSEG_CFILESYSTEMCALLS_H

/// Linux file-system calls that Swift's Glibc module does not declare (they need _GNU_SOURCE).
/// Every name is relative to an open directory `directory` and is one plain entry of it.

/// Atomically swaps the entries `first` and `second` of `directory` (both must exist):
/// renameat2(RENAME_EXCHANGE). Returns 0, or -1 with errno set; errno is ENOSYS where the call
/// does not exist and EINVAL where the file system cannot exchange, so callers fall back to
/// renameat().
int hlsseg_rename_exchange(int directory, const char *first, const char *second);

/// Writes back everything of the file system holding the open file `descriptor`: syncfs(2);
/// sync(2) where there is no syncfs. Returns 0, or -1 with errno set.
int hlsseg_sync_file_system(int descriptor);

/// Opens a new file in `directory` that has no name yet: openat(O_TMPFILE | O_WRONLY), mode
/// 0644 (less the umask). Returns the descriptor, or -1 with errno set (EOPNOTSUPP, EISDIR or
/// EINVAL where the kernel or the file system cannot make unnamed files).
int hlsseg_open_unnamed_file(int directory);

/// Gives the unnamed file open as `descriptor` the name `name` in `directory` (which must not
/// exist there): linkat with AT_EMPTY_PATH, and where that is not permitted, through
/// /proc/self/fd. Returns 0, or -1 with errno set (EEXIST when `name` exists).
int hlsseg_name_unnamed_file(int descriptor, int directory, const char *name);

#endif
