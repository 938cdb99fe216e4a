package org.rnn4j.nd4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** How every rnn4j file is saved: whole or not at all, whatever kills the process on the way. */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    private static final java.security.SecureRandom TEMP_NAMES = new java.security.SecureRandom();

    /**
     * Writes {@code bytes} to a temporary sibling of {@code file}, then renames it over {@code file}. The temporary
     * file is created as any new file is, with the permissions the process's umask gives (0644 under umask 022), so
     * that a service running as another user can read what a training job saved ({@code Files.createTempFile}
     * would make it 0600, and the rename keeps that).
     *
     * <p>Temporary files are named {@code <file name>.<random>.tmp}. A save killed before its rename leaves one
     * behind; the next successful save of the same file deletes those that were last written before it began.
     */
    public static void write(Path file, byte[] bytes) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path dir = absolute.getParent();
        java.nio.file.attribute.FileTime started = java.nio.file.attribute.FileTime.from(java.time.Instant.now());
        Path temp = dir.resolve(absolute.getFileName() + "." + Long.toUnsignedString(TEMP_NAMES.nextLong(), 36)
                + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true); // the rename must never expose a file whose data is still in flight
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        deleteStaleTemporaries(dir, absolute.getFileName().toString(), started);
    }

    /** Deletes {@code <name>.<random>.tmp} siblings last written before {@code started}: interrupted saves'. */
    private static void deleteStaleTemporaries(Path dir, String name, java.nio.file.attribute.FileTime started) {
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(name)
                + "\\.[0-9a-z]+\\.tmp");
        try (var siblings = Files.list(dir)) {
            for (Path sibling : (Iterable<Path>) siblings::iterator) {
                if (pattern.matcher(sibling.getFileName().toString()).matches()
                        && Files.getLastModifiedTime(sibling).compareTo(started) < 0) {
                    Files.deleteIfExists(sibling);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the save itself succeeded; a leftover that cannot be listed or deleted stays until the next one
        }
    }
}
