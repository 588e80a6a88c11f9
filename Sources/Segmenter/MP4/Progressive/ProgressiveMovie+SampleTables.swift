extension ProgressiveMovie {
    /// The time, sync and size tables of one track, and its timing, from one walk over its
    /// samples. Each table is built only when it will be written: no per-sample array is made
    /// to be thrown away.
    struct SampleTables {
        var timeToSample: TimeToSampleBox
        var syncSample: SyncSampleBox?
        var compositionOffset: CompositionOffsetBox?
        var sampleSize: SampleSizeBox
        /// The sum of the decode durations, track ticks: `mdhd` duration.
        var mediaDuration: UInt64
        /// Where the last presentation ends: the largest decode time + composition offset +
        /// duration, track ticks.
        var presentationEnd: Int64

        /// Precondition: `track` has samples (checked by `ProgressiveMovie.init`).
        init(_ track: ProgressiveTrack) {
            let samples = track.samples
            // stss: video tracks only (FFmpeg's choice: audio samples are all sync samples), and
            // none when every sample is a sync sample (ISO/IEC 14496-12 §8.6.2.1).
            let writesSyncSamples = track.isVideo && samples.contains { !$0.isSync }
            let writesOffsets = samples.contains { $0.compositionOffset != 0 }
            let firstSize = samples[0].size
            // A constant sample_size of 0 would mean "sizes follow": zero-byte samples go per sample.
            let constantSize = firstSize != 0 && samples.allSatisfy { $0.size == firstSize }

            var durations: [TimeToSampleBox.Entry] = []
            var offsets: [CompositionOffsetBox.Entry] = []
            var syncNumbers: [UInt32] = []
            var sizes: [UInt32] = []
            if !constantSize { sizes.reserveCapacity(samples.count) }
            var decodeTime: Int64 = 0
            var presentationEnd = Int64.min
            for (index, sample) in samples.enumerated() {
                if durations.last?.sampleDelta == sample.duration {
                    durations[durations.count - 1].sampleCount += 1
                } else {
                    durations.append(TimeToSampleBox.Entry(sampleCount: 1, sampleDelta: sample.duration))
                }
                let offset = Int64(sample.compositionOffset)
                if writesOffsets {
                    if offsets.last?.sampleOffset == offset {
                        offsets[offsets.count - 1].sampleCount += 1
                    } else {
                        offsets.append(CompositionOffsetBox.Entry(sampleCount: 1, sampleOffset: offset))
                    }
                }
                if writesSyncSamples, sample.isSync { syncNumbers.append(UInt32(index + 1)) }
                if !constantSize { sizes.append(sample.size) }
                // At most 2^24 samples of at most 2^32 ticks each: no overflow in 64 bits.
                presentationEnd = max(presentationEnd, decodeTime + offset + Int64(sample.duration))
                decodeTime += Int64(sample.duration)
            }
            timeToSample = TimeToSampleBox(entries: durations)
            syncSample = writesSyncSamples ? SyncSampleBox(sampleNumbers: syncNumbers) : nil
            compositionOffset = writesOffsets ? CompositionOffsetBox(entries: offsets) : nil
            sampleSize = SampleSizeBox(sizes: constantSize ? .constant(size: firstSize, count: UInt32(samples.count)) : .perSample(sizes))
            mediaDuration = UInt64(decodeTime)
            self.presentationEnd = presentationEnd
        }
    }
}
