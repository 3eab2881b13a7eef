package net.sovereignbridge.app.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * hardware/ is what a newcomer wires a board from, board-configs/ is what the daemon drives: they must name
 * the same SPI device and GPIOs, and every BCM number on a page must sit at its real header pin.
 */
class HardwareDocsTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).resolve("../..").normalize();

    /** BCM GPIO number to physical pin on the 40-pin header (Raspberry Pi documentation, GPIO pinout). */
    private static final Map<Integer, Integer> HEADER_PIN = Map.ofEntries(Map.entry(2, 3), Map.entry(3, 5),
            Map.entry(4, 7), Map.entry(17, 11), Map.entry(27, 13), Map.entry(22, 15), Map.entry(10, 19),
            Map.entry(9, 21), Map.entry(11, 23), Map.entry(0, 27), Map.entry(5, 29), Map.entry(6, 31),
            Map.entry(13, 33), Map.entry(19, 35), Map.entry(26, 37), Map.entry(14, 8), Map.entry(15, 10),
            Map.entry(18, 12), Map.entry(23, 16), Map.entry(24, 18), Map.entry(25, 22), Map.entry(8, 24),
            Map.entry(7, 26), Map.entry(1, 28), Map.entry(12, 32), Map.entry(16, 36), Map.entry(20, 38),
            Map.entry(21, 40));

    private static final Pattern GPIO_AND_PIN = Pattern.compile("GPIO(\\d+) \\(pin (\\d+)\\)");

    @Test
    void everyBundledBoardHasAPageWhosePinsMatchItsBoardFile() throws IOException {
        List<String> boards = Files.readAllLines(ROOT.resolve("board-configs/boards.list")).stream()
                .filter(l -> l.endsWith(".yaml")).toList();
        assertEquals(17, boards.size(), "boards.list changed: check hardware/ covers the new board");
        String index = Files.readString(ROOT.resolve("hardware/README.md"));
        for (String file : boards) {
            String id = file.replace(".yaml", "");
            if (SX126X_PAGES.containsKey(id)) {
                assertTrue(index.contains("`" + id + "`"), id + " missing from hardware/README.md");
                checkSx126xPage(id, file);
                continue;
            }
            boolean uputronics = id.startsWith("uputronics-lora-");
            Path page = ROOT.resolve("hardware/" + (uputronics ? "uputronics-lora" : id) + ".md");
            assertTrue(Files.isRegularFile(page), id + ": no page " + page);
            assertTrue(index.contains("`" + id + "`"), id + " missing from hardware/README.md");
            String md = Files.readString(page);
            for (String section : new String[] {"## Wiring", "## Antenna", "## Bill of materials"}) {
                assertTrue(md.contains(section), page + " lacks " + section);
            }
            Map<String, Object> lora = lora(ROOT.resolve("board-configs/" + file));
            assertTrue(md.contains("`" + lora.get("spidev") + "`"), id + ": page does not name " + lora.get("spidev"));
            int irq = ((Number) lora.get("IRQ")).intValue();
            Integer reset = lora.get("Reset") == null ? null : ((Number) lora.get("Reset")).intValue();
            List<String> dio0 = row(md, "DIO0");
            List<String> resetRow = row(md, "RESET");
            if (uputronics) {
                int column = id.endsWith("ce0") ? 1 : 2;
                assertGpioAtPin(id + " DIO0", irq, dio0.get(column));
                assertEquals("not wired", resetRow.get(column), id + ": RESET");
                assertEquals(null, reset, id + ": board file has a Reset the page says is not wired");
            } else {
                assertEquals(irq, Integer.parseInt(dio0.get(1)), id + ": DIO0 BCM number");
                assertEquals(HEADER_PIN.get(irq), Integer.parseInt(dio0.get(2)), id + ": DIO0 header pin");
                assertNotNull(reset, id + ": board file lacks Reset");
                assertEquals(reset, Integer.parseInt(resetRow.get(1)), id + ": RESET BCM number");
                assertEquals(HEADER_PIN.get(reset), Integer.parseInt(resetRow.get(2)), id + ": RESET header pin");
                List<String> cs = row(md, "chip select");
                int csGpio = ((Number) lora.get("CS")).intValue();
                if ("software".equals(lora.get("chipSelect"))) {
                    assertEquals(csGpio, Integer.parseInt(cs.get(1)), id + ": software chip select GPIO");
                } else {
                    assertTrue(cs.get(1).contains("(" + csGpio + ")"), id + ": chip select " + cs.get(1));
                }
                assertEquals(HEADER_PIN.get(csGpio), Integer.parseInt(cs.get(2)), id + ": chip select header pin");
            }
        }
    }

    /** SX126x boards: the family page and the column of the board in its wiring table. */
    private static final Map<String, Map.Entry<String, Integer>> SX126X_PAGES = Map.ofEntries(
            Map.entry("meshadv-pi-e22-900m30s", Map.entry("meshadv", 1)),
            Map.entry("meshadv-mini-e22-900m22s", Map.entry("meshadv", 2)),
            Map.entry("rak6421-rak13300-slot1", Map.entry("rak6421", 1)),
            Map.entry("rak6421-rak13300-slot2", Map.entry("rak6421", 2)),
            Map.entry("nebrahat-1w", Map.entry("nebrahat", 1)),
            Map.entry("nebrahat-2w", Map.entry("nebrahat", 2)),
            Map.entry("zebrahat-1w", Map.entry("zebrahat-pitastic", 1)),
            Map.entry("pitastic-1w", Map.entry("zebrahat-pitastic", 2)),
            Map.entry("pimesh-1w-v2", Map.entry("pimesh-1w", 1)),
            Map.entry("station-g3", Map.entry("station-g3", 1)),
            Map.entry("waveshare-pico-lora-sx1262-adapter", Map.entry("waveshare-sx1262", 1)),
            Map.entry("waveshare-sx1262-lora-hat", Map.entry("waveshare-sx1262", 2)));

    /** The page's column for the board names the board file's SPI device and GPIOs at their header pins. */
    private static void checkSx126xPage(String id, String file) throws IOException {
        Map.Entry<String, Integer> where = SX126X_PAGES.get(id);
        Path page = ROOT.resolve("hardware/" + where.getKey() + ".md");
        assertTrue(Files.isRegularFile(page), id + ": no page " + page);
        String md = Files.readString(page);
        for (String section : new String[] {"## Wiring", "## Kernel settings", "## Antenna", "## Bill of materials"}) {
            assertTrue(md.contains(section), page + " lacks " + section);
        }
        assertTrue(md.contains("`" + id + "`"), page + " does not name its board file " + id);
        int column = where.getValue();
        Map<String, Object> lora = lora(ROOT.resolve("board-configs/" + file));
        assertEquals("`" + lora.get("spidev") + "`", row(md, "SPI device").get(column), id + ": SPI device");
        int ce = "spidev0.1".equals(lora.get("spidev")) ? 7 : 8;
        int csGpio = lora.get("CS") == null ? ce : ((Number) lora.get("CS")).intValue();
        assertGpioAtPin(id + " chip select", csGpio, row(md, "chip select").get(column));
        assertGpioAtPin(id + " DIO1", ((Number) lora.get("IRQ")).intValue(), row(md, "DIO1").get(column));
        assertGpioAtPin(id + " BUSY", ((Number) lora.get("Busy")).intValue(), row(md, "BUSY").get(column));
        assertGpioAtPin(id + " RESET", ((Number) lora.get("Reset")).intValue(), row(md, "RESET").get(column));
        for (String key : new String[] {"TXen", "RXen"}) {
            String cell = row(md, key.toUpperCase(java.util.Locale.ROOT)).get(column);
            if (lora.get(key) == null) assertEquals("-", cell, id + ": " + key + " the board file does not have");
            else assertGpioAtPin(id + " " + key, ((Number) lora.get(key)).intValue(), cell);
        }
        boolean tcxo = Boolean.TRUE.equals(lora.get("DIO3_TCXO_VOLTAGE"));
        assertEquals(tcxo, row(md, "TCXO").get(column).startsWith("1.8 V"), id + ": TCXO");
    }

    private static void assertGpioAtPin(String what, int gpio, String cell) {
        Matcher m = GPIO_AND_PIN.matcher(cell);
        assertTrue(m.find(), what + ": '" + cell + "' is not 'GPIOn (pin p)'");
        assertEquals(gpio, Integer.parseInt(m.group(1)), what + " GPIO");
        assertEquals(HEADER_PIN.get(gpio), Integer.parseInt(m.group(2)), what + " header pin");
    }

    /** Cells of the first table row whose first cell starts with {@code label}, trimmed. */
    private static List<String> row(String md, String label) {
        for (String line : md.lines().toList()) {
            if (!line.startsWith("|")) continue;
            List<String> cells = List.of(line.substring(1).split("\\|")).stream().map(String::trim).toList();
            if (cells.get(0).startsWith(label)) return cells;
        }
        throw new AssertionError("no table row '" + label + "'");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> lora(Path yaml) throws IOException {
        Map<String, Object> doc = new Yaml().load(Files.readString(yaml));
        return (Map<String, Object>) doc.get("Lora");
    }
}
