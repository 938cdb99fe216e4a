package org.rnn4j.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;

class ParametersTest {
    private final ParameterLayout layout = ParameterLayout.builder()
            .add("a", ParameterLayout.builder().add("w", 2, 3).add("b", 2).build())
            .add("c", ParameterLayout.builder().add("w", 1, 2).build())
            .build();

    @Test
    void viewsAndPartsShareTheFlatBuffer() {
        Parameters p = Parameters.zeros(layout, DataType.FLOAT);
        assertEquals(6 + 2 + 2, p.flat().length());
        p.get("a.b").assign(Nd4j.createFromArray(1f, 2f));
        assertEquals(1f, p.flat().getFloat(6));
        Parameters c = p.part("c");
        assertEquals(java.util.List.of("w"), c.names());
        c.get("w").putScalar(0, 1, 5f);
        assertEquals(5f, p.flat().getFloat(9));
        p.flat().putScalar(2, 3f);
        assertEquals(3f, p.part("a").get("w").getFloat(0, 2));
        assertArrayEquals(new long[] {2, 3}, p.get("a.w").shape());
    }

    @Test
    void copyIsIndependentAndAssignChecksTheLayout() {
        Parameters p = Parameters.zeros(layout, DataType.DOUBLE);
        Parameters q = p.copy();
        q.flat().assign(1);
        assertEquals(0.0, p.flat().sumNumber().doubleValue());
        p.assign(q);
        assertEquals(10.0, p.flat().sumNumber().doubleValue());
        Parameters other = Parameters.zeros(layout.part("a"), DataType.DOUBLE);
        assertThrows(IllegalArgumentException.class, () -> p.assign(other));
    }

    @Test
    void badNamesAndShapesAreRejected() {
        Parameters p = Parameters.zeros(layout, DataType.FLOAT);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.get("nope"));
        assertTrue(e.getMessage().startsWith("unknown parameter 'nope'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> p.set("a.w", Nd4j.zeros(DataType.FLOAT, 3, 2)));
        assertEquals("a.w must have shape [2, 3] but has [3, 2]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ParameterLayout.builder().add("x", 2, 0));
        assertTrue(e.getMessage().contains("positive sizes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ParameterLayout.builder().add("x", 1).add("x", 2));
        assertEquals("duplicate parameter name 'x'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Parameters.zeros(layout, DataType.INT));
        assertEquals("dataType must be FLOAT or DOUBLE but is INT", e.getMessage());
    }
}
