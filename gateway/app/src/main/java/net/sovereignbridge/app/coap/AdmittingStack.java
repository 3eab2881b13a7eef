package net.sovereignbridge.app.coap;

import org.eclipse.californium.core.network.ExtendedCoapStackFactory;
import org.eclipse.californium.core.network.Outbox;
import org.eclipse.californium.core.network.stack.BaseCoapStack;
import org.eclipse.californium.core.network.stack.BlockwiseLayer;
import org.eclipse.californium.core.network.stack.CongestionControlLayer;
import org.eclipse.californium.core.network.stack.CoapStack;
import org.eclipse.californium.core.network.stack.ExchangeCleanupLayer;
import org.eclipse.californium.core.network.stack.Layer;
import org.eclipse.californium.core.network.stack.ObserveLayer;
import org.eclipse.californium.elements.EndpointContextMatcher;
import org.eclipse.californium.elements.config.Configuration;

/**
 * Californium's UDP stack (cleanup, observe, block-wise, reliability) with the {@link AdmissionLayer}
 * between block-wise and reliability, so no request creates block-wise or observe state before it is
 * admitted. Used for plain CoAP and for DTLS alike.
 */
final class AdmittingStack extends BaseCoapStack {

    private AdmittingStack(String tag, Configuration config, EndpointContextMatcher matching, Outbox outbox,
            AdmissionLayer admission) {
        super(outbox);
        setLayers(new Layer[] {new ExchangeCleanupLayer(config), new ObserveLayer(config),
                new BlockwiseLayer(tag, false, config, matching), admission,
                CongestionControlLayer.newImplementation(tag, config)});
    }

    /** A stack factory for one endpoint; each endpoint gets its own layer instance over the shared budgets. */
    static ExtendedCoapStackFactory factory(java.util.function.Supplier<AdmissionLayer> admission) {
        return new ExtendedCoapStackFactory() {
            @Override
            public CoapStack createCoapStack(String protocol, String tag, Configuration config,
                    EndpointContextMatcher matching, Outbox outbox, Object argument) {
                return new AdmittingStack(tag, config, matching, outbox, admission.get());
            }

            @Override
            public CoapStack createCoapStack(String protocol, String tag, Configuration config, Outbox outbox,
                    Object argument) {
                return new AdmittingStack(tag, config, null, outbox, admission.get());
            }
        };
    }
}
