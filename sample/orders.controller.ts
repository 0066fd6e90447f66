import { BadRequestException, Body, Controller, Get, NotFoundException, Param, ParseIntPipe, Post } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { JobService } from '../lib/index.js';
import { Order } from './order.entity.js';
import { OrderService } from './order.service.js';

@Controller('orders')
export class OrdersController {
  constructor(
    private readonly jobs: JobService,
    private readonly orderService: OrderService,
    @InjectRepository(Order) private readonly orders: Repository<Order>,
  ) {}

  /** Creates the order and enqueues its confirmation in one transaction: both or neither. */
  @Post()
  async place(@Body() body: { customer?: unknown; amount?: unknown }): Promise<{ order: Order; job: string }> {
    const { customer, amount } = body ?? {};
    if (typeof customer !== 'string' || customer.trim() === '') throw new BadRequestException('customer: a non-empty string is required');
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) throw new BadRequestException('amount: a positive number is required');
    return this.jobs.transaction(async (manager) => {
      const order = await manager.save(manager.create(Order, { customer: customer.trim(), amount }));
      // Orders placed by hand overtake the demo batch (priority 10 by default; lower runs first).
      const job = await this.jobs.withDelay(this.orderService, { priority: 5 }).confirm(order);
      return { order, job: job.uuid };
    });
  }

  @Get(':id')
  async find(@Param('id', ParseIntPipe) id: number): Promise<Order> {
    const order = await this.orders.findOneBy({ id });
    if (!order) throw new NotFoundException(`Order ${id} not found`);
    return order;
  }
}
