package net.sovereignbridge.app.transport.lora;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The board files shipped inside the application (copied from the repository's board-configs/ at build time) and
 * files given by path. A board is named by its file name without ".yaml", e.g. "dragino-lora-gps-hat".
 */
public final class BoardCatalog {
    private static final String RESOURCE_DIR = "board-configs/";
    /** Larger files are refused: a board file is a few hundred bytes. */
    private static final long MAX_FILE_BYTES = 64 * 1024;

    private BoardCatalog() {}

    public static List<String> bundledNames() {
        String list = resource("boards.list").orElse("");
        List<String> names = new ArrayList<>();
        for (String line : list.split("\n")) {
            String n = line.trim();
            if (!n.isEmpty() && !n.startsWith("#")) names.add(n.endsWith(".yaml") ? n.substring(0, n.length() - 5) : n);
        }
        return names;
    }

    public static Optional<BoardConfigParser.Result> bundled(String name) {
        String file = name.endsWith(".yaml") ? name : name + ".yaml";
        return resource(file).map(text -> BoardConfigParser.parse(text, file));
    }

    /** A file path, or a bundled board's name. */
    public static BoardConfigParser.Result load(String fileOrName) throws IOException {
        Path p = Path.of(fileOrName);
        if (Files.isRegularFile(p)) {
            if (Files.size(p) > MAX_FILE_BYTES) throw new IOException(p + ": larger than " + MAX_FILE_BYTES + " bytes");
            return BoardConfigParser.parse(Files.readString(p, StandardCharsets.UTF_8), p.toString());
        }
        return bundled(fileOrName).orElseThrow(() -> new IOException("no board file " + fileOrName
                + " and no bundled board of that name (see: sbridge board list)"));
    }

    private static Optional<String> resource(String name) {
        try (InputStream in = BoardCatalog.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) return Optional.empty();
            return Optional.of(new String(in.readNBytes((int) MAX_FILE_BYTES), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
