#ifndef HLSSEG_CLIBAV_SHIM_H
#define HLSSEG_CLIBAV_SHIM_H

#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/error.h>
#include <libavutil/mathematics.h>
#include <libavutil/dict.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

/* AVERROR(e) and AVERROR_EOF are macros Swift cannot import; these wrap them. */
static inline int hlsseg_averror(int posixError) { return AVERROR(posixError); }
static inline int hlsseg_averror_eof(void) { return AVERROR_EOF; }
static inline int hlsseg_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
static inline int64_t hlsseg_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline int hlsseg_disposition_attached_pic(void) { return AV_DISPOSITION_ATTACHED_PIC; }
/* av_rescale_q_rnd with AV_ROUND_NEAR_INF | AV_ROUND_PASS_MINMAX (the OR of two enum values
   is awkward to spell in Swift). */
static inline int64_t hlsseg_rescale_near(int64_t value, AVRational from, AVRational to) {
    return av_rescale_q_rnd(value, from, to, (enum AVRounding)(AV_ROUND_NEAR_INF | AV_ROUND_PASS_MINMAX));
}

#endif
