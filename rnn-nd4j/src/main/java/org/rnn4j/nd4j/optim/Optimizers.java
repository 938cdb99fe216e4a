package org.rnn4j.nd4j.optim;

import java.util.Map;
import java.util.Set;
import org.rnn4j.api.Checks;

/** Rebuilds a built-in optimizer from its {@link FlatOptimizer#kind} and {@link FlatOptimizer#hyperparameters}. */
public final class Optimizers {
    private Optimizers() {
    }

    /**
     * @throws IllegalArgumentException for an unknown kind, or hyperparameters that are missing, unknown or out of
     *                                  range (each named)
     */
    public static FlatOptimizer create(String kind, Map<String, Double> hyperparameters) {
        Checks.notNull(kind, "kind");
        Checks.notNull(hyperparameters, "hyperparameters");
        Settings h = new Settings(kind, hyperparameters);
        FlatOptimizer optimizer = switch (kind) {
            case "sgd" -> new Sgd(h.get("lr"), h.get("momentum"), h.get("dampening"), h.get("nesterov") != 0,
                    h.get("weight_decay"));
            case "adam" -> new Adam(h.get("lr"), h.get("beta1"), h.get("beta2"), h.get("eps"), h.get("weight_decay"));
            case "adamw" -> Adam.adamW(h.get("lr"), h.get("beta1"), h.get("beta2"), h.get("eps"),
                    h.get("weight_decay"));
            case "rmsprop" -> new RmsProp(h.get("lr"), h.get("alpha"), h.get("eps"), h.get("weight_decay"));
            case "adagrad" -> new Adagrad(h.get("lr"), h.get("lr_decay"), h.get("weight_decay"), h.get("eps"));
            default -> throw new IllegalArgumentException("unknown optimizer kind '" + kind
                    + "'; known: sgd, adam, adamw, rmsprop, adagrad");
        };
        Set<String> expected = optimizer.hyperparameters().keySet();
        if (!expected.equals(hyperparameters.keySet())) {
            throw new IllegalArgumentException(kind + " takes hyperparameters " + expected + " but got "
                    + hyperparameters.keySet());
        }
        return optimizer;
    }

    private record Settings(String kind, Map<String, Double> values) {
        double get(String name) {
            Double v = values.get(name);
            if (v == null) {
                throw new IllegalArgumentException(kind + " needs hyperparameter '" + name + "'; got " + values.keySet());
            }
            return v;
        }
    }
}
