// mimalloc (Debian: libmimalloc-dev). Linking it into the hlsseg executable replaces malloc and
// free for the whole process; see Sources/hlsseg/MemoryAllocator.swift for why.
#include <mimalloc.h>
