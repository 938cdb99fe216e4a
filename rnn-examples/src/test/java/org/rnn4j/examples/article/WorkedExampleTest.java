package org.rnn4j.examples.article;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.rnn4j.examples.Demos;

class WorkedExampleTest {
    /** The values stated in the foundation issue, to the six decimals given there. */
    private static final double[][] TRUE_HIDDEN = {{0.512497, 0.527472}, {0.664348, 0.737057}, {0.719989, 0.809180}};
    private static final double[] TRUE_OUTPUTS = {0.728835, 0.791662, 0.811099};

    @Test
    void matchesTheTrueValues() {
        WorkedExample.Result r = WorkedExample.compute();
        for (int t = 0; t < 3; t++) {
            for (int j = 0; j < 2; j++) {
                assertEquals(TRUE_HIDDEN[t][j], r.hidden()[t][j], 5e-7, "h" + (t + 1) + "[" + j + "]");
            }
            assertEquals(TRUE_OUTPUTS[t], r.outputs()[t], 5e-7, "o" + (t + 1));
        }
    }

    @Test
    void matchesThePlainFormulasAndNotTheArticlesPrintout() {
        WorkedExample.Result r = WorkedExample.compute();
        double[] h = {0, 0};
        for (int t = 0; t < 3; t++) {
            double[] x = WorkedExample.INPUTS[t];
            double[] next = new double[2];
            for (int i = 0; i < 2; i++) {
                double z = 0;
                for (int j = 0; j < 2; j++) {
                    z += WorkedExample.W_XH[i][j] * x[j] + WorkedExample.W_HH[i][j] * h[j];
                }
                next[i] = sigmoid(z);
            }
            h = next;
            double o = sigmoid(WorkedExample.W_HO[0][0] * h[0] + WorkedExample.W_HO[0][1] * h[1]);
            assertEquals(h[0], r.hidden()[t][0], 1e-12);
            assertEquals(h[1], r.hidden()[t][1], 1e-12);
            assertEquals(o, r.outputs()[t], 1e-12);
            assertTrue(Math.abs(WorkedExample.ARTICLE_HIDDEN[t][1] - h[1]) > 0.01, "article differs at step " + t);
        }
    }

    @Test
    void theArticlesFirstHiddenStateIsSigmoidOfTheFirstColumnOfWxh() {
        // the README's explanation of the article's h1 = [0.52497919, 0.57444252]
        assertEquals(sigmoid(WorkedExample.W_XH[0][0]), WorkedExample.ARTICLE_HIDDEN[0][0], 1e-8);
        assertEquals(sigmoid(WorkedExample.W_XH[1][0]), WorkedExample.ARTICLE_HIDDEN[0][1], 1e-8);
    }

    @Test
    void mainPrintsEveryStep() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Demos.commandLine().execute("worked-example"));
        } finally {
            System.setOut(original);
        }
        String out = buffer.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("1    [0.512497, 0.527472]   0.728835"), out);
        assertTrue(out.contains("2    [0.664348, 0.737057]   0.791662"), out);
        assertTrue(out.contains("3    [0.719989, 0.809180]   0.811099"), out);
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }
}
