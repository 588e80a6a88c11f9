#ifndef HLSSEG_CLIBAV_SHIM_H
#define HLSSEG_CLIBAV_SHIM_H

#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/error.h>
#include <libavutil/mathematics.h>
#include <libavutil/dict.h>

/* AVERROR(e) and AVERROR_EOF are macros Swift cannot import; these wrap them. */
static inline int hlsseg_averror(int posixError) { return AVERROR(posixError); }
static inline int hlsseg_averror_eof(void) { return AVERROR_EOF; }
static inline int64_t hlsseg_nopts_value(void) { return AV_NOPTS_VALUE; }

#endif
