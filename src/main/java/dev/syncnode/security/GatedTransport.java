package dev.syncnode.security;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.transport.Transport;
import java.util.concurrent.ThreadFactory;

/**
 * Vert.x's transport SPI (5.0.7), delegated method by method to the transport Vert.x would use, except
 * that a server's bootstrap also passes through {@link AcceptGate#configure}.
 */
final class GatedTransport implements Transport {
  private final Transport base;

  GatedTransport(Transport base) {
    this.base = base;
  }

  @Override
  public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
    base.configure(options, domainSocket, bootstrap);
    if (!domainSocket) {
      AcceptGate.configure(bootstrap);
    }
  }

  @Override
  public boolean supportsDomainSockets() {
    return base.supportsDomainSockets();
  }

  @Override
  public boolean supportFileRegion() {
    return base.supportFileRegion();
  }

  @Override
  public boolean isAvailable() {
    return base.isAvailable();
  }

  @Override
  public Throwable unavailabilityCause() {
    return base.unavailabilityCause();
  }

  @Override
  public java.net.SocketAddress convert(SocketAddress address) {
    return base.convert(address);
  }

  @Override
  public SocketAddress convert(java.net.SocketAddress address) {
    return base.convert(address);
  }

  @Override
  public IoHandlerFactory ioHandlerFactory() {
    return base.ioHandlerFactory();
  }

  @Override
  public EventLoopGroup eventLoopGroup(int type, int threads, ThreadFactory factory, int ioRatio) {
    return base.eventLoopGroup(type, threads, factory, ioRatio);
  }

  @Override
  public DatagramChannel datagramChannel() {
    return base.datagramChannel();
  }

  @Override
  public DatagramChannel datagramChannel(InternetProtocolFamily family) {
    return base.datagramChannel(family);
  }

  @Override
  public ChannelFactory<? extends Channel> channelFactory(boolean domainSocket) {
    return base.channelFactory(domainSocket);
  }

  @Override
  public ChannelFactory<? extends ServerChannel> serverChannelFactory(boolean domainSocket) {
    return base.serverChannelFactory(domainSocket);
  }

  @Override
  public void configure(DatagramChannel channel, DatagramSocketOptions options) {
    base.configure(channel, options);
  }

  @Override
  public void configure(ClientOptionsBase options, int connectTimeout, boolean domainSocket, Bootstrap bootstrap) {
    base.configure(options, connectTimeout, domainSocket, bootstrap);
  }
}
