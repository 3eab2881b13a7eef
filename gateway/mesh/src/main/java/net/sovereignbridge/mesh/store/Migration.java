package net.sovereignbridge.mesh.store;

import java.sql.SQLException;
import java.sql.Statement;

/** One step of a component's schema; applied once, in version order, inside a transaction. */
public record Migration(int version, String description, Step step) {
    @FunctionalInterface
    public interface Step {
        void apply(Statement statement) throws SQLException;
    }

    /** A migration that runs plain SQL statements. */
    public static Migration sql(int version, String description, String... statements) {
        return new Migration(version, description, st -> {
            for (String sql : statements) st.execute(sql);
        });
    }
}
