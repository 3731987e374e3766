package fishchat.store;

import java.util.List;

/** What storing a message did. Only {@link Status#STORED} created deliveries to announce. */
public record AppendResult(Status status, List<Delivery> deliveries) {
    public enum Status {
        /** Committed durably; {@code deliveries} lists every recipient's new seq. */
        STORED,
        /** The same (sender, msgId) was stored before: nothing was written. */
        DUPLICATE,
        /** A group message from someone who is not a member: nothing was written. */
        NOT_A_MEMBER
    }

    public static final AppendResult DUPLICATE = new AppendResult(Status.DUPLICATE, List.of());
    public static final AppendResult NOT_A_MEMBER = new AppendResult(Status.NOT_A_MEMBER, List.of());

    public static AppendResult stored(List<Delivery> deliveries) {
        return new AppendResult(Status.STORED, List.copyOf(deliveries));
    }
}
