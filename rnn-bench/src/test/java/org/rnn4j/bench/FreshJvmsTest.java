package org.rnn4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FreshJvmsTest {
    @Test
    void variantsSplitJvmOptionsFromEnvironmentVariables() {
        FreshJvms.Variant v = FreshJvms.Variant.parse("w128:-Drnn4j.vectorBits=128  OPENBLAS_CORETYPE=Haswell "
                + "--class-path=/a:/b");
        assertEquals("w128", v.name());
        assertEquals(List.of("-Drnn4j.vectorBits=128", "--class-path=/a:/b"), v.jvmOptions());
        assertEquals(Map.of("OPENBLAS_CORETYPE", "Haswell"), v.environment());
        assertEquals(List.of(), FreshJvms.Variant.parse("as-is:").jvmOptions());
        assertThrows(IllegalArgumentException.class, () -> FreshJvms.Variant.parse("no-colon"));
        assertThrows(IllegalArgumentException.class, () -> FreshJvms.Variant.parse("x:stray"));
    }

    @Test
    void readsTheLoopsLineAndFlagsASpreadOfJvms() {
        String line = PlainLoop.format(new double[] {3, 1, 2});
        assertTrue(line.startsWith("median_ms=2.000 min_ms=1.000 max_ms=3.000 passes=3.00,1.00,2.00"), line);
        assertEquals(2.0, FreshJvms.parseMedian("WARNING: noise\n" + line + "\n"));
        assertThrows(IllegalStateException.class, () -> FreshJvms.parseMedian("crashed"));
        Map<FreshJvms.Variant, double[]> medians = new LinkedHashMap<>();
        medians.put(FreshJvms.Variant.parse("steady:"), new double[] {20, 21, 22});
        medians.put(FreshJvms.Variant.parse("cliff:-Dx=1"), new double[] {20, 500, 21});
        String table = FreshJvms.table("case", medians);
        assertTrue(table.contains("| steady | 20.0, 21.0, 22.0 | 21.0 | 1.10 |"), table);
        assertTrue(table.contains("| cliff | 20.0, 500.0, 21.0 | 21.0 | 25.00 **bimodal?** |"), table);
        assertFalse(table.contains("1.10 **bimodal"), table);
    }
}
