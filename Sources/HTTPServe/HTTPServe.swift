/// The HTTP side of hlsseg (Hummingbird 2). Being built for issue 4.
public enum HTTPServe {}
