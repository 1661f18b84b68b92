package dev.warden.server.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.warden.server.adapter.AdapterConfigException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class McpConfigTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static McpConfig load(String yaml) throws Exception {
    JsonNode node = YAML.readTree(yaml);
    return McpConfig.load(node);
  }

  @Test
  void absent_isNone() throws Exception {
    assertThat(McpConfig.load(null)).isEqualTo(McpConfig.NONE);
  }

  @Test
  void serversAndGateways_withDefaults() throws Exception {
    McpConfig c =
        load(
            """
            servers:
              - {id: files, command: [node, fs.js, /srv], env: {A: b}}
              - {id: web, url: "http://127.0.0.1:3001/mcp", timeout: 5s}
            gateways:
              - {id: tools, servers: [files, web]}
              - {id: quiet, servers: [web], hold: 10s, resources: false, prompts: false}
            """);
    McpConfig.Server files = c.servers().get("files");
    assertThat(files.stdio()).isTrue();
    assertThat(files.command()).containsExactly("node", "fs.js", "/srv");
    assertThat(files.env()).containsEntry("A", "b");
    assertThat(files.timeout()).isEqualTo(McpConfig.DEFAULT_TIMEOUT);
    assertThat(c.servers().get("web").timeout()).isEqualTo(Duration.ofSeconds(5));
    McpConfig.Gateway tools = c.gateways().get("tools");
    assertThat(tools.hold()).isEqualTo(McpConfig.DEFAULT_HOLD);
    assertThat(tools.resources()).isTrue();
    assertThat(c.gateways().get("quiet").prompts()).isFalse();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "servers: [{id: a}]|/mcp/servers/0|exactly one of url",
        "servers: [{id: a, url: 'http://x/mcp', command: [x]}]|/mcp/servers/0|exactly one of url",
        "servers: [{id: A, url: 'http://x/mcp'}]|/mcp/servers/0/id|must match",
        "servers: [{id: a, url: 'ftp://x/mcp'}]|/mcp/servers/0/url|http(s) URL",
        "servers: [{id: a, url: 'http://u:p@x/mcp'}]|/mcp/servers/0/url|without credentials",
        "servers: [{id: a, url: 'http://x/mcp', env: {A: b}}]|/mcp/servers/0/env|only a command",
        "servers: [{id: a, url: 'http://x/mcp', tiemout: 2s}]|/mcp/servers/0/tiemout|unknown field",
        "servers: [{id: a, command: []}]|/mcp/servers/0/command|name the program",
        "servers: [{id: a, url: 'http://x/mcp'}, {id: a, url: 'http://y/mcp'}]|/mcp/servers/1/id|used"
            + " twice",
        "gateways: [{id: g, servers: [nope]}]|/mcp/gateways/0/servers/0|no server nope",
        "gateways: [{id: g}]|/mcp/gateways/0/servers|is required",
        "servers: [{id: a, url: 'http://x/mcp'}]\\ngateways: [{id: g, servers: [a, a]}]"
            + "|/mcp/gateways/0/servers/1|listed twice",
        "servers: [{id: a, url: 'http://x/mcp'}]\\ngateways: [{id: g, servers: [a], hold: 1h}]"
            + "|/mcp/gateways/0/hold|not a duration",
      })
  void mistakes_areNamedByPointerWithTheFix(String yaml, String pointer, String says) {
    assertThatThrownBy(() -> load(yaml.replace("\\n", "\n")))
        .isInstanceOf(AdapterConfigException.class)
        .hasMessageContaining(pointer)
        .hasMessageContaining(says);
  }
}
