package net.sovereignbridge.mesh.node;

import net.sovereignbridge.mesh.custody.MessageState;
import net.sovereignbridge.mesh.identity.MeshAddress;

/** A change in the state of one of this node's own messages. */
public record StateChange(int messageId, MeshAddress destination, MessageState state) {}
