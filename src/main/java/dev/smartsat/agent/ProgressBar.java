package dev.smartsat.agent;

import java.io.PrintWriter;

/**
 * A one-line progress bar for an interactive fleet run, redrawn on standard error a few times a second by its
 * own thread, so the workers never wait on the terminal.
 */
final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 30;
    private static final long REDRAW_MILLIS = 200;

    private final Fleet fleet;
    private final String label;
    private final PrintWriter err;
    private final Thread painter;
    private volatile boolean running = true;

    ProgressBar(Fleet fleet, String label, PrintWriter err) {
        this.fleet = fleet;
        this.label = label;
        this.err = err;
        this.painter = new Thread(this::paintUntilClosed, "fleet-progress");
        painter.setDaemon(true);
        painter.start();
    }

    private void paintUntilClosed() {
        while (running) {
            draw();
            try {
                Thread.sleep(REDRAW_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void draw() {
        int total = fleet.devices();
        int done = Math.min(fleet.completed(), total);
        int filled = (int) ((long) done * WIDTH / total);
        String bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
        err.print(String.format("\r%-17s [%s] %3d%%  %d/%d ", label + fleet.phase(), bar, (long) done * 100 / total,
                done, total));
        err.flush();
    }

    @Override
    public void close() {
        running = false;
        painter.interrupt();
        try {
            painter.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Clear the bar's line so the summary starts on a clean one.
        err.print("\r" + " ".repeat(WIDTH + 50) + "\r");
        err.flush();
    }
}
