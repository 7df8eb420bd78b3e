import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws docs/benchmarks.png from the small TSV bench/suite.sh writes, with plain AWT (no plotting library on the
 * machine, no network): throughput bars on the left, p50/p99/p99.9 latency on a log scale on the right.
 *   java -Djava.awt.headless=true bench/Chart.java results.tsv out.png
 * TSV: first line the title; then one line per case: label, requests/s, note (e.g. "0.28x plain"), p50, p99, p99.9
 * (ms; negative when not measured).
 */
public class Chart {

    record Row(String label, double rps, String note, double p50, double p99, double p999) {
    }

    private static final Color[] LATENCY_COLORS = {new Color(0x4C78A8), new Color(0xF58518), new Color(0xE45756)};
    private static final String[] LATENCY_NAMES = {"p50", "p99", "p99.9"};

    public static void main(String[] args) throws Exception {
        List<String> lines = Files.readAllLines(Path.of(args[0]));
        String title = lines.get(0);
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            rows.add(new Row(f[0], num(f[1]), f[2], num(f[3]), num(f[4]), num(f[5])));
        }

        int width = 1500, rowHeight = 54, top = 90, labelWidth = 330, panelGap = 60;
        int height = top + rows.size() * rowHeight + 70;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
        g.drawString(title, 20, 32);

        // left: throughput
        int leftX = labelWidth, leftWidth = 430;
        double maxRps = rows.stream().mapToDouble(Row::rps).max().orElse(1);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString("requests (events) per second", leftX, top - 18);
        int rightX = leftX + leftWidth + panelGap + 150, rightWidth = width - rightX - 30;
        g.drawString("latency, ms (log scale)", rightX, top - 18);
        drawLegend(g, rightX + 220, top - 30);

        double minLog = -1, maxLog = 4; // 0.1 ms .. 10 s
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int e = (int) minLog; e <= maxLog; e++) {
            int x = rightX + (int) ((e - minLog) / (maxLog - minLog) * rightWidth);
            g.setColor(new Color(0xDDDDDD));
            g.drawLine(x, top - 6, x, top + rows.size() * rowHeight);
            g.setColor(Color.DARK_GRAY);
            String tick = e < 0 ? "0.1" : String.valueOf((long) Math.pow(10, e));
            g.drawString(tick, x - g.getFontMetrics().stringWidth(tick) / 2, top + rows.size() * rowHeight + 16);
        }

        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            int y = top + i * rowHeight;
            if (i % 2 == 0) {
                g.setColor(new Color(0xF4F4F4));
                g.fillRect(10, y, width - 20, rowHeight);
            }
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
            drawWrapped(g, r.label(), 20, y + 22, labelWidth - 30);

            int barLength = (int) (r.rps() / maxRps * leftWidth);
            g.setColor(new Color(0x54A24B));
            g.fillRect(leftX, y + 12, Math.max(1, barLength), rowHeight - 24);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            String value = String.format("%,.0f", r.rps()) + (r.note().isEmpty() ? "" : "  " + r.note());
            g.drawString(value, leftX + barLength + 8, y + rowHeight / 2 + 5);

            double[] latencies = {r.p50(), r.p99(), r.p999()};
            int thickness = (rowHeight - 18) / 3;
            for (int k = 0; k < 3; k++) {
                if (latencies[k] < 0) {
                    continue;
                }
                double log = Math.log10(Math.max(latencies[k], 0.1));
                int length = (int) ((Math.min(log, maxLog) - minLog) / (maxLog - minLog) * rightWidth);
                g.setColor(LATENCY_COLORS[k]);
                g.fillRect(rightX, y + 9 + k * thickness, Math.max(2, length), thickness - 2);
                g.setColor(Color.BLACK);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
                g.drawString(format(latencies[k]), rightX + length + 4, y + 9 + k * thickness + thickness - 4);
            }
        }
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1));
        g.drawLine(leftX, top - 6, leftX, top + rows.size() * rowHeight);
        g.drawLine(rightX, top - 6, rightX, top + rows.size() * rowHeight);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString("latency: wrk's or the paced generator's, request sent (or due) to answer; for end-to-end rows,"
                + " ingest to arrival at the receiver", 20, height - 18);
        g.dispose();
        ImageIO.write(image, "png", new File(args[1]));
    }

    private static void drawLegend(Graphics2D g, int x, int y) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int k = 0; k < 3; k++) {
            g.setColor(LATENCY_COLORS[k]);
            g.fillRect(x + k * 80, y, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(LATENCY_NAMES[k], x + k * 80 + 19, y + 12);
        }
    }

    /** Labels may be long: break them on spaces to fit the label column (two lines at most). */
    private static void drawWrapped(Graphics2D g, String text, int x, int y, int width) {
        String[] words = text.split(" ");
        StringBuilder line = new StringBuilder();
        int lineNo = 0;
        for (String w : words) {
            String candidate = line.isEmpty() ? w : line + " " + w;
            if (g.getFontMetrics().stringWidth(candidate) > width && !line.isEmpty() && lineNo == 0) {
                g.drawString(line.toString(), x, y + lineNo * 18);
                lineNo++;
                line = new StringBuilder(w);
            } else {
                line = new StringBuilder(candidate);
            }
        }
        g.drawString(line.toString(), x, y + lineNo * 18);
    }

    private static String format(double ms) {
        if (ms == 0) {
            return "<1"; // delivery latencies are whole milliseconds
        }
        if (ms < 10 && ms == Math.rint(ms)) {
            return String.format("%.0f", ms); // whole milliseconds (delivery latencies)
        }
        return ms >= 100 ? String.format("%,.0f", ms) : ms >= 10 ? String.format("%.1f", ms) : String.format("%.2f", ms);
    }

    private static double num(String s) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
