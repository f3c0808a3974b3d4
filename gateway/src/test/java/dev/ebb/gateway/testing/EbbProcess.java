package dev.ebb.gateway.testing;

import dev.ebb.gateway.Main;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command that runs Ebb as a process of its own, on this JVM's class path and Chronicle flags. */
public final class EbbProcess {
    private EbbProcess() {
    }

    /** {@code java … dev.ebb.gateway.Main --config <config>}. */
    public static List<String> command(Path config) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-") || a.startsWith("-Dchronicle")).toList());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "--config",
                config.toString()));
        return command;
    }
}
