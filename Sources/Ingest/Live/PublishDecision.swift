/// What the live side answers to a publish request.
public enum PublishDecision: Sendable {
    /// Accepted: send the media into this queue, and `finish` it when the publisher is gone.
    case accept(LiveMediaQueue)
    /// Refused; the reason goes into the log and, for RTMP, into the onStatus description.
    case refuse(PublishRefusal)
}
