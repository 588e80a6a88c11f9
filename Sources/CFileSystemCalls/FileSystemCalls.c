#define _GNU_SOURCE
#include "CFileSystemCalls.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int hlsseg_rename_exchange(int directory, const char *first, const char *second) {
#if defined(__linux__) && defined(RENAME_EXCHANGE)
    return renameat2(directory, first, directory, second, RENAME_EXCHANGE);
#else
    (void)directory;
    (void)first;
    (void)second;
    errno = ENOSYS;
    return -1;
#endif
}

int hlsseg_sync_file_system(int descriptor) {
#if defined(__linux__)
    return syncfs(descriptor);
#else
    (void)descriptor;
    sync();
    return 0;
#endif
}

int hlsseg_open_unnamed_file(int directory) {
#if defined(__linux__) && defined(O_TMPFILE)
    return openat(directory, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
#else
    (void)directory;
    errno = EOPNOTSUPP;
    return -1;
#endif
}

int hlsseg_name_unnamed_file(int descriptor, int directory, const char *name) {
#if defined(__linux__)
    if (linkat(descriptor, "", directory, name, AT_EMPTY_PATH) == 0) return 0;
    // AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH before Linux 6.10; the /proc link does not.
    if (errno != ENOENT && errno != EPERM) return -1;
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", descriptor);
    return linkat(AT_FDCWD, link, directory, name, AT_SYMLINK_FOLLOW);
#else
    (void)descriptor;
    (void)directory;
    (void)name;
    errno = ENOSYS;
    return -1;
#endif
}
