package net.sovereignbridge.app.coap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.sovereignbridge.app.services.LocalSender;
import net.sovereignbridge.app.services.MessageViews;
import net.sovereignbridge.mesh.node.Node;
import net.sovereignbridge.mesh.topics.TopicBody;
import net.sovereignbridge.mesh.topics.TopicMessage;
import net.sovereignbridge.mesh.topics.Topics;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.CoAP.Type;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.eclipse.californium.core.server.resources.ResourceObserver;

/**
 * {@code /topics/{name}}: mesh topics for CoAP devices. POST publishes the request body (any content format;
 * the bytes are the message) into the mesh; GET subscribes this gateway to the topic and answers its recent
 * messages; Observe subscribes and is notified of each new message. Children are made on first use, at most
 * {@link Topics#MAX_TOPICS}; their names follow the topic rules (docs/protocol.md).
 */
final class TopicsResource extends CoapResource implements Topics.Listener {
    private final Node node;
    private final LocalSender sender;
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    private final ResourceObserver relations;

    /** {@code relations} is told of every observe relation on a topic (the server's observer budget). */
    TopicsResource(Node node, LocalSender sender, ResourceObserver relations) {
        super("topics");
        this.node = node;
        this.sender = sender;
        this.relations = relations;
        getAttributes().setTitle("mesh topics: POST /topics/{name} publishes, GET answers recent, Observe subscribes");
        node.topics().addListener(this);
    }

    @Override
    public void handleGET(CoapExchange ex) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("subscribed", node.topics().subscriptions());
        Representation.respond(ex, ResponseCode.CONTENT, body);
    }

    @Override
    public Resource getChild(String name) {
        Topic t = topics.get(name);
        if (t != null) return t;
        String problem = TopicBody.nameProblem(name);
        if (problem != null) return new Refusal(name, ResponseCode.BAD_REQUEST, problem);
        synchronized (topics) {
            t = topics.get(name);
            if (t != null) return t;
            if (topics.size() >= Topics.MAX_TOPICS) {
                return new Refusal(name, ResponseCode.SERVICE_UNAVAILABLE,
                        "at most " + Topics.MAX_TOPICS + " topics on this gateway");
            }
            t = new Topic(name);
            topics.put(name, t);
            add(t);
            return t;
        }
    }

    @Override
    public void onTopicMessage(TopicMessage m) {
        Topic t = topics.get(m.topic());
        if (t != null) t.notify(m);
    }

    /** Answers every request to an unusable topic name with the reason. */
    private static final class Refusal extends CoapResource {
        private final ResponseCode code;
        private final String reason;

        Refusal(String name, ResponseCode code, String reason) {
            super(name, false);
            this.code = code;
            this.reason = reason;
        }

        @Override
        public void handleRequest(org.eclipse.californium.core.network.Exchange exchange) {
            CoapExchange ex = new CoapExchange(exchange);
            if (code == ResponseCode.SERVICE_UNAVAILABLE) Representation.overloaded(ex, reason, 60);
            else Representation.error(ex, code, "topic: " + reason);
        }
    }

    private final class Topic extends CoapResource {
        private volatile TopicMessage latest;

        Topic(String name) {
            super(name);
            setObservable(true);
            setObserveType(Type.CON);
            getAttributes().setTitle("mesh topic " + name);
            getAttributes().addResourceType("sbridge.topic");
            getAttributes().setObservable();
            addObserver(relations);
        }

        void notify(TopicMessage m) {
            latest = m;
            changed();
        }

        @Override
        public void handleGET(CoapExchange ex) {
            if (!node.topics().subscribe(getName())) {
                Representation.overloaded(ex, "this gateway already subscribes to " + Topics.MAX_TOPICS + " topics", 60);
                return;
            }
            boolean cbor = Representation.answerFormat(ex) == Representation.CBOR;
            List<Object> out = new ArrayList<>();
            if (ex.getRequestOptions().hasObserve()) {
                TopicMessage m = latest;
                if (m != null) out.add(MessageViews.topicMessage(m, cbor));
            } else {
                for (TopicMessage m : node.topics().recent(getName())) out.add(MessageViews.topicMessage(m, cbor));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("topic", getName());
            body.put("messages", out);
            Representation.respond(ex, ResponseCode.CONTENT, body);
        }

        @Override
        public void handlePOST(CoapExchange ex) {
            byte[] payload = ex.getRequestPayload();
            if (payload.length > TopicBody.MAX_MESSAGE) {
                Representation.tooLarge(ex, "topic message of " + payload.length + " bytes (at most "
                        + TopicBody.MAX_MESSAGE + ")", TopicBody.MAX_MESSAGE);
                return;
            }
            LocalSender.Published p = sender.publish(getName(), payload, LocalSender.Origin.COAP, null);
            if (p.ok()) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("topic", getName());
                body.put("messageId", Integer.toUnsignedLong(p.message().messageId()));
                body.put("sentAt", p.message().sentAt().toString());
                body.put("state", "published");
                Representation.respond(ex, ResponseCode.CREATED, body);
                return;
            }
            switch (p.failure()) {
                case MALFORMED -> Representation.error(ex, ResponseCode.BAD_REQUEST, p.error());
                case TOO_LARGE -> Representation.tooLarge(ex, p.error(), TopicBody.MAX_MESSAGE);
                default -> Representation.overloaded(ex, p.error(), p.retryAfterSeconds());
            }
        }
    }
}
