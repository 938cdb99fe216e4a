package org.rnn4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import org.junit.jupiter.api.Test;

/**
 * The report names the native build JavaCPP loads (the most specific nd4j-native classifier on the class path) and
 * prints ratios near 1 with two decimals.
 */
class BenchReportTest {
    private static final String REPO = "/m2/org/nd4j/";

    @Test
    void theMostSpecificNativeJarNamesTheBuild() {
        String generic = REPO + "nd4j-native/1.0.0-M2.1/nd4j-native-1.0.0-M2.1-linux-x86_64.jar";
        String onednn = REPO + "nd4j-native/1.0.0-M2.1/nd4j-native-1.0.0-M2.1-linux-x86_64-onednn-avx2.jar";
        String preset = REPO + "nd4j-native-preset/1.0.0-M2.1/nd4j-native-preset-1.0.0-M2.1-linux-x86_64.jar";
        String api = REPO + "nd4j-native/1.0.0-M2.1/nd4j-native-1.0.0-M2.1.jar";
        assertEquals("`linux-x86_64`", BenchReport.nativeBuild(String.join(File.pathSeparator, api, preset, generic)));
        assertEquals("`linux-x86_64-onednn-avx2`",
                BenchReport.nativeBuild(String.join(File.pathSeparator, onednn, api, generic, preset)));
        assertEquals("`unknown`", BenchReport.nativeBuild(String.join(File.pathSeparator, api, preset, "classes")));
    }

    @Test
    void ratiosNearOneKeepTwoDecimals() {
        assertEquals("0.96×", BenchReport.ratio(132.0, 137.0));
        assertEquals("1.75×", BenchReport.ratio(70.0, 40.0));
        assertEquals("7.4×", BenchReport.ratio(258.0, 34.9));
        assertEquals("-", BenchReport.ratio(null, 1.0));
    }
}
