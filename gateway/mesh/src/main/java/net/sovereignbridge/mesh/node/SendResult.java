package net.sovereignbridge.mesh.node;

import net.sovereignbridge.mesh.custody.MessageState;
import net.sovereignbridge.mesh.identity.MeshAddress;

/**
 * What {@link Node#send} reports: the message's id, and SENT (handed to a link) or QUEUED (held for a
 * route), with the hop it took ({@code via}, null when queued).
 */
public record SendResult(int messageId, MeshAddress destination, MessageState state, String via) {}
