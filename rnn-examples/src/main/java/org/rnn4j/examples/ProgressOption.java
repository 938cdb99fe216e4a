package org.rnn4j.examples;

import picocli.CommandLine.Option;

/** The demos' {@code --[no-]progress}: a progress bar while training, shown only when a console is attached. */
public final class ProgressOption {
    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "progress bar while training (default: on when a console is attached)")
    boolean progress;

    /** Whether to show the bar: asked for, and a console to show it on. */
    public boolean enabled() {
        return progress && System.console() != null;
    }
}
