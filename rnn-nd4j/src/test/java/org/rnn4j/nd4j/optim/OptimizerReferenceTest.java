package org.rnn4j.nd4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnn4j.api.Optimizer;
import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.io.SafeTensors;

/** Update sequences against torch.optim's (tools/pytorch/make_optimizer_reference.py), to 1e-6. */
class OptimizerReferenceTest {
    static Optimizer optimizer(Map<String, String> meta) {
        double lr = Double.parseDouble(meta.get("lr"));
        return switch (meta.get("optimizer")) {
            case "SGD" -> new Sgd(lr);
            case "Adam" -> {
                String[] betas = meta.getOrDefault("betas", "0.9,0.999").split(",");
                yield new Adam(lr, Double.parseDouble(betas[0]), Double.parseDouble(betas[1]),
                        Double.parseDouble(meta.getOrDefault("eps", "1e-8")),
                        Double.parseDouble(meta.getOrDefault("weight_decay", "0")));
            }
            default -> throw new IllegalArgumentException(meta.get("optimizer"));
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd", "adam", "adam_weight_decay"})
    void matchesTorchOptim(String name) throws Exception {
        SafeTensors.Contents ref = SafeTensors.read(Path.of(getClass().getResource("/optim/" + name
                + ".safetensors").toURI()));
        INDArray initial = ref.tensors().get("initial");
        INDArray gradients = ref.tensors().get("gradients");
        INDArray after = ref.tensors().get("after");
        ParameterLayout layout = ParameterLayout.builder().add("w", 4).add("b", initial.length() - 4).build();
        Parameters p = Parameters.zeros(layout, DataType.DOUBLE);
        Parameters g = p.zerosLike();
        p.flat().assign(initial);
        Optimizer opt = optimizer(ref.metadata());
        opt.initialise(p);
        for (int s = 0; s < gradients.size(0); s++) {
            g.flat().assign(gradients.getRow(s));
            opt.step(p, g);
            double diff = p.flat().sub(after.getRow(s)).amaxNumber().doubleValue();
            assertTrue(diff < 1e-6, name + " step " + (s + 1) + " differs from torch.optim by " + diff);
        }
        opt.finalise();
    }

    @Test
    void adamRejectsNonsense() {
        assertEquals("learningRate must be a finite number > 0 but is -1.0",
                assertThrows(IllegalArgumentException.class, () -> new Adam(-1)).getMessage());
        assertEquals("beta1 must be in [0, 1) but is 1.0",
                assertThrows(IllegalArgumentException.class, () -> new Adam(0.1, 1, 0.9, 1e-8, 0)).getMessage());
        assertEquals("weightDecay must be a finite number >= 0 but is NaN", assertThrows(
                IllegalArgumentException.class, () -> new Adam(0.1, 0.9, 0.9, 1e-8, Double.NaN)).getMessage());
        Adam adam = new Adam(0.1);
        Parameters p = Parameters.zeros(ParameterLayout.builder().add("w", 2).build(), DataType.FLOAT);
        assertThrows(IllegalStateException.class, () -> adam.step(p, p.zerosLike()));
    }
}
