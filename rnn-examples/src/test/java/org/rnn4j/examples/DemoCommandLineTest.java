package org.rnn4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/** The launcher and every demo answer {@code --version}, and every option says what it is. */
class DemoCommandLineTest {
    private static List<CommandLine> commands() {
        CommandLine launcher = new CommandLine(new Demos());
        List<CommandLine> all = new ArrayList<>(List.of(launcher));
        all.addAll(launcher.getSubcommands().values());
        return all;
    }

    @Test
    void everyCommandPrintsItsVersion() {
        for (CommandLine command : commands()) {
            StringWriter out = new StringWriter();
            command.setOut(new PrintWriter(out));
            assertEquals(0, command.execute("--version"), command.getCommandName());
            String text = out.toString();
            assertTrue(text.matches("(?s)rnn4j \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R.*Java .*"),
                    command.getCommandName() + " printed: " + text);
        }
    }

    @Test
    void everyOptionIsDescribed() {
        List<String> undescribed = new ArrayList<>();
        for (CommandLine command : commands()) {
            for (OptionSpec option : command.getCommandSpec().options()) {
                String description = String.join(" ", option.description()).strip();
                if (description.isEmpty() || description.startsWith("(")) {
                    undescribed.add(command.getCommandName() + " " + option.longestName());
                }
            }
        }
        assertEquals(List.of(), undescribed);
    }
}
